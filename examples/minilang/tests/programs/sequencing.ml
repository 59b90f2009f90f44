(* Strict, left-to-right evaluation: effects happen in program order,
   arguments are evaluated before the call, and `a; b` is b. *)
let pair a b = a * 1000 + b
let _ = print (print 1 + print 2);
  print (pair (print 3) (print 4));
  print (print 5; print 6; 7);
  let unused = print 8 in print 9
