(* Names may have digits, underscores and primes; comments do not nest,
   but they can span lines. *)
let x' = 1
let x'' = x' + 1
let _snake_case_2 = 40
let print_ = print
let _ =      (* layout is free *)
  print_ (x'' +
  _snake_case_2)
