(* minilang is untyped: printing a boolean fails when it runs. *)
let _ = print 1; print (1 < 2)
