(* Integer arithmetic: precedence, associativity, truncating division,
   unary minus and 64-bit wrap-around. *)
let _ = print (1 + 2 * 3);
  print ((1 + 2) * 3);
  print (10 - 3 - 2);
  print (100 / 10 / 5);
  print (7 / 2);
  print (-7 / 2);
  print (7 % 3);
  print (-7 % 3);
  print (2 * -3);
  print (- (4 - 10));
  print (9223372036854775807 + 1);
  print (3037000500 * 3037000500)
