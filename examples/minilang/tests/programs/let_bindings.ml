(* Local and top-level `let`, shadowing, and scopes that end. *)
let x = 10
let y = let x = x + 1 in let z = x * 2 in z + x
let _ = print x; print y
let x = x * 3
let _ = print x;
  print (let a = 1 in let b = a + 1 in let a = b * 10 in a + b);
  print (let v = 5 in v * v)
