let rec loop = loop + 1
