module kancli.test/kando

go 1.22
