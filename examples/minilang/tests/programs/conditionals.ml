(* `if` chooses one branch and evaluates only that one; it nests, and it is
   an expression like any other. *)
let sign n = if n < 0 then 0 - 1 else if n == 0 then 0 else 1
let max a b = if a > b then a else b
let _ = print (sign (0 - 42)); print (sign 0); print (sign 42);
  print (max 3 8); print (max 8 3);
  print (1 + if 2 > 1 then 10 else 20);
  if 1 < 2 then print 100 else print (1 / 0);
  if 1 > 2 then print (1 / 0) else print 200
