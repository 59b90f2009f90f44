(* Functions as arguments and results. *)
let compose f g x = f (g x)
let twice f = compose f f
let rec repeat n f x = if n == 0 then x else repeat (n - 1) f (f x)
let rec fold f acc lo hi = if lo > hi then acc else fold f (f acc lo) (lo + 1) hi
let square x = x * x
let inc x = x + 1
let _ = print (compose square inc 4);
  print (twice square 3);
  print (twice twice inc 0);
  print (repeat 10 (fun x -> x * 2) 1);
  print (fold (fun a i -> a + i) 0 1 10);
  print (fold (fun a i -> a * i) 1 1 10);
  print (fold (fun a i -> if i % 3 == 0 then a + 1 else a) 0 1 100)
