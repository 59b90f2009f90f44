(* Integer square roots by binary search. *)
let isqrt n =
  let rec go lo hi =
    if lo >= hi then lo
    else let mid = (lo + hi + 1) / 2 in
      if mid <= n / mid then go mid hi else go lo (mid - 1) in
  if n < 2 then n else go 1 n
let _ = print (isqrt 0); print (isqrt 15); print (isqrt 16); print (isqrt 1000000);
  print (isqrt 9223372036854775807)
