(* The Ackermann function, for small arguments. *)
let rec ack m n =
  if m == 0 then n + 1
  else if n == 0 then ack (m - 1) 1
  else ack (m - 1) (ack m (n - 1))
let _ = print (ack 0 0); print (ack 1 2); print (ack 2 3); print (ack 3 3); print (ack 3 5)
