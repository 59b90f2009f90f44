(* Church numerals: numbers as functions that iterate. *)
let zero f x = x
let succ n f x = f (n f x)
let add m n f x = m f (n f x)
let mul m n f = m (n f)
let to_int n = n (fun k -> k + 1) 0
let one = succ zero
let two = succ one
let three = add one two
let six = mul two three
let _ = print (to_int zero); print (to_int three); print (to_int six);
  print (to_int (mul six (mul six six)));
  print (to_int (three three succ zero))
