(* `print` writes an integer and a newline and gives it back; it is a
   function like any other. *)
let p = print
let _ = print 0; print 7; print (0 - 7); print 1234567890;
  print 9223372036854775807; print (0 - 9223372036854775807 - 1);
  print (print 41 + 1);
  p 99;
  let apply f x = f x in apply print 5
