(* Mutual recursion without `and`: one function takes the other as an
   argument, and a fixed-point combinator ties a knot through a closure. *)
let rec even odd n = if n == 0 then 1 else odd (n - 1)
let rec odd n = if n == 0 then 0 else even odd (n - 1)
let fix f = let rec g x = f g x in g
let triangle = fix (fun self n -> if n == 0 then 0 else n + self (n - 1))
let _ = print (even odd 10); print (even odd 7); print (odd 7); print (odd 10000);
  print (triangle 100)
