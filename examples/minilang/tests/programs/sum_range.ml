(* The sum of a range: recursively, with an accumulator, and by formula. *)
let rec sum lo hi = if lo > hi then 0 else lo + sum (lo + 1) hi
let rec sum_acc lo hi acc = if lo > hi then acc else sum_acc (lo + 1) hi (acc + lo)
let formula n = n * (n + 1) / 2
let _ = print (sum 1 100); print (sum 5 4); print (sum_acc 1 1000000 0); print (formula 1000000)
