(* An `if` without `else`. *)
let f x = if x > 0 then 1
let _ = print (f 1)
