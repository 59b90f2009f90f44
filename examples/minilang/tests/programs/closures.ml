(* Functions capture the variables they use, at the time they are made. *)
let make_adder n = fun x -> x + n
let add5 = make_adder 5
let add10 = make_adder 10
let base = 1000
let from_base k = base + k
let base = 0
let counter start step = fun i -> start + i * step
let c = counter 100 7
let _ = print (add5 1); print (add10 1); print (from_base 1);
  print (c 0); print (c 3);
  let k = 3 in
  let f = fun x -> fun y -> x * k + y in
  let g = f 4 in
  print (g 1)
