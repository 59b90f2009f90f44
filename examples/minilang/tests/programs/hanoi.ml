(* The towers of Hanoi: the moves of 3 discs (as from * 10 + to), and the
   number of moves for 20. *)
let rec hanoi n from to via =
  if n == 0 then 0
  else hanoi (n - 1) from via to + (print (from * 10 + to); 1) + hanoi (n - 1) via to from
let rec moves n = if n == 0 then 0 else 2 * moves (n - 1) + 1
let _ = print (hanoi 3 1 3 2); print (moves 20)
