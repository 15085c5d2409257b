module example.com/prof

go 1.26
