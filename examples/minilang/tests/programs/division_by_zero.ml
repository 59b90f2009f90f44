(* A run-time error: the output before it is kept, the program stops. *)
let _ = print 1; print 2; print (10 / (3 - 3)); print 4
