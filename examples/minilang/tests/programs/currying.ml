(* Multi-argument functions are curried: partial application, and
   application of a function that returns a function. *)
let sub a b = a - b
let from10 = sub 10
let add3 a b c = a + b + c
let _ = print (sub 10 3); print (from10 4);
  print (add3 1 2 3); print ((add3 1) 2 3); print ((add3 1 2) 3);
  print ((fun x y -> x * y) 6 7);
  print ((fun x -> fun y -> x - y) 10 3);
  let flip f a b = f b a in print (flip sub 1 10)
