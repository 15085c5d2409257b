module example.com/xxsum/v2

go 1.24
