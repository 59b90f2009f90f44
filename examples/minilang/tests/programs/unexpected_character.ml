let total = 3 + 4 # 5
