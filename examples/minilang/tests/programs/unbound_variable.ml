let area w h = w * h
let _ = print (area 3 4);
  print (area width 2)
