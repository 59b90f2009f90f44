(* The Collatz sequence: its length from 27, and the longest start below 1000. *)
let rec steps n = if n == 1 then 0 else 1 + steps (if n % 2 == 0 then n / 2 else 3 * n + 1)
let rec longest n best best_n =
  if n >= 1000 then best_n
  else let s = steps n in
    if s > best then longest (n + 1) s n else longest (n + 1) best best_n
let _ = print (steps 27); print (longest 1 0 1)
