(* Euclid's algorithm, and the least common multiple of 1..20. *)
let rec gcd a b = if b == 0 then a else gcd b (a % b)
let lcm a b = a / gcd a b * b
let rec lcm_upto n acc = if n == 0 then acc else lcm_upto (n - 1) (lcm acc n)
let _ = print (gcd 48 18); print (gcd 17 5); print (gcd 0 7);
  print (gcd 1071 462); print (lcm 4 6); print (lcm_upto 20 1)
