(* Fibonacci: the exponential definition, and a linear loop. *)
let rec fib n = if n < 2 then n else fib (n - 1) + fib (n - 2)
let rec fib_loop n a b = if n == 0 then a else fib_loop (n - 1) b (a + b)
let rec show i = if i <= 25 then (print (fib i); show (i + 5)) else 0
let _ = show 0; print (fib_loop 90 0 1)
