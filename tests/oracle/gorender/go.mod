module kancli.test/gorender

go 1.22
