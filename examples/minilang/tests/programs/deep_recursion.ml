(* 100000 nested (non-tail) calls, and a tail-recursive loop of a million
   iterations that runs in constant stack. *)
let rec depth n = if n == 0 then 0 else 1 + depth (n - 1)
let rec count n acc = if n == 0 then acc else count (n - 1) (acc + 2)
let _ = print (depth 100000); print (count 1000000 0)
