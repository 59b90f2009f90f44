(* Primes by trial division: the first ten, and how many are below 10000. *)
let is_prime n =
  let rec go d = if d * d > n then 1 else if n % d == 0 then 0 else go (d + 1) in
  if n < 2 then 0 else go 2
let rec first k n = if k == 0 then 0 else if is_prime n == 1 then (print n; first (k - 1) (n + 1)) else first k (n + 1)
let rec count n acc = if n == 10000 then acc else count (n + 1) (acc + is_prime n)
let _ = first 10 2; print (count 0 0)
