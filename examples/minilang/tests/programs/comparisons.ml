(* Comparisons give booleans, which only `if` can look at. *)
let show b = if b then print 1 else print 0
let _ =
  show (1 < 2); show (2 < 1); show (2 < 2);
  show (1 <= 2); show (2 <= 2); show (3 <= 2);
  show (3 > 2); show (2 > 3); show (2 > 2);
  show (3 >= 2); show (2 >= 2); show (1 >= 2);
  show (5 == 5); show (5 == 6);
  show (5 != 6); show (5 != 5);
  show (0 - 1 < 0); show (1 + 1 == 2)
