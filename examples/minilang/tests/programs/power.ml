(* Exponentiation by squaring, plain and modular. *)
let rec pow b e = if e == 0 then 1 else
  let h = pow b (e / 2) in if e % 2 == 0 then h * h else h * h * b
let rec powmod b e m = if e == 0 then 1 % m else
  let h = powmod b (e / 2) m in
  let h2 = h * h % m in if e % 2 == 0 then h2 else h2 * b % m
let _ = print (pow 2 10); print (pow 3 0); print (pow 2 62); print (pow 7 5);
  print (powmod 2 100 1000000007); print (powmod 3 1000000 13)
