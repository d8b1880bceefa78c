package difftest

import "strconv"

func init() {
	register(&Family{
		Name: "string",
		Commands: []Command{
			{Name: "SET", Weight: 10, Make: genSet},
			{Name: "GET", Weight: 6, Make: func(g *G) []string { return []string{"GET", g.Key()} }},
			{Name: "INCR", Weight: 2, Make: func(g *G) []string { return []string{g.Pick("INCR", "DECR"), g.Key()} }},
			{Name: "INCRBY", Weight: 3, Make: func(g *G) []string {
				return []string{g.Pick("INCRBY", "DECRBY"), g.Key(), g.Int()}
			}},
			{Name: "APPEND", Weight: 3, Make: func(g *G) []string { return []string{"APPEND", g.Key(), g.Value()} }},
			{Name: "STRLEN", Weight: 2, Make: func(g *G) []string { return []string{"STRLEN", g.Key()} }},
			{Name: "MSET", Weight: 2, Make: func(g *G) []string {
				args := []string{"MSET"}
				for range g.Between(1, 4) {
					args = append(args, g.Key(), g.Value())
				}
				if g.Percent(10) {
					args = args[:len(args)-1] // a key without its value
				}
				return args
			}},
			{Name: "MGET", Weight: 2, Make: func(g *G) []string { return append([]string{"MGET"}, g.KeyList(1, 5)...) }},
			{Name: "MSETNX", Weight: 1, Make: func(g *G) []string {
				args := []string{"MSETNX"}
				for range g.Between(1, 3) {
					args = append(args, g.Key(), g.Value())
				}
				return args
			}},
			{Name: "SETNX", Weight: 1, Make: func(g *G) []string { return []string{"SETNX", g.Key(), g.Value()} }},
			{Name: "SETEX", Weight: 2, Make: func(g *G) []string {
				if g.Percent(50) {
					return []string{"SETEX", g.Key(), g.TTL(false, false), g.Value()}
				}
				return []string{"PSETEX", g.Key(), g.TTL(true, false), g.Value()}
			}},
			{Name: "GETSET", Weight: 2, Make: func(g *G) []string { return []string{"GETSET", g.Key(), g.Value()} }},
			{Name: "GETDEL", Weight: 2, Make: func(g *G) []string { return []string{"GETDEL", g.Key()} }},
			{Name: "GETEX", Weight: 3, Make: genGetex},
			{Name: "GETRANGE", Weight: 3, Make: func(g *G) []string {
				return []string{g.Pick("GETRANGE", "SUBSTR"), g.Key(), g.Int(), g.Int()}
			}},
			{Name: "SETRANGE", Weight: 3, Make: func(g *G) []string {
				off := g.Pick(strconv.Itoa(g.Intn(20)), strconv.Itoa(g.Intn(300)), "0", "-1", "abc",
					"536870912", "9223372036854775807")
				val := g.Value()
				if off[0] == '5' && g.Percent(70) {
					val = "" // beyond the limit with nothing to write: no allocation
				}
				return []string{"SETRANGE", g.Key(), off, val}
			}},
			{Name: "INCRBYFLOAT", Weight: 3, Make: func(g *G) []string {
				inc := g.Float()
				if g.Percent(30) {
					inc = g.Pick("0.1", "-0.1", "1e-17", "3.0e3", "5.0e-1", "1.23456789012345678901", "17e307", "-17e307")
				}
				return []string{"INCRBYFLOAT", g.Key(), inc}
			}},
			{Name: "LCS", Weight: 2, Make: genLcs},
		},
		Inspect: func(key string) []string { return []string{"GET", key} },
	})
}

// genSet makes SET with a random mix of its options, valid and not:
// NX or XX, GET, one of EX PX EXAT PXAT KEEPTTL, sometimes repeated,
// contradicting, or missing their argument.
func genSet(g *G) []string {
	args := []string{"SET", g.Key(), g.Value()}
	for range g.Between(0, 3) {
		switch g.Intn(9) {
		case 0:
			args = append(args, g.Case("NX"))
		case 1:
			args = append(args, g.Case("XX"))
		case 2:
			args = append(args, g.Case("GET"))
		case 3:
			args = append(args, g.Case("KEEPTTL"))
		case 4:
			args = append(args, g.Case("EX"), g.TTL(false, false))
		case 5:
			args = append(args, g.Case("PX"), g.TTL(true, false))
		case 6:
			args = append(args, g.Case("EXAT"), g.TTL(false, true))
		case 7:
			args = append(args, g.Case("PXAT"), g.TTL(true, true))
		default:
			if g.Percent(50) {
				// No argument; what follows, if anything, is an option,
				// not a number, or the key might expire in a moment.
				args = append(args, g.Pick("EX", "PX", "EXAT", "PXAT"))
			} else {
				args = append(args, g.Pick("BOGUS", "NXX", "", "EXX"))
			}
		}
	}
	return args
}

// genGetex makes GETEX with no option, PERSIST, or one of EX PX EXAT
// PXAT with its time, and invalid combinations.
func genGetex(g *G) []string {
	args := []string{"GETEX", g.Key()}
	switch g.Intn(8) {
	case 0:
	case 1:
		args = append(args, g.Case("PERSIST"))
	case 2:
		args = append(args, g.Case("EX"), g.TTL(false, false))
	case 3:
		args = append(args, g.Case("PX"), g.TTL(true, false))
	case 4:
		args = append(args, g.Case("EXAT"), g.TTL(false, true))
	case 5:
		args = append(args, g.Case("PXAT"), g.TTL(true, true))
	case 6:
		args = append(args, g.Case("PERSIST"), g.Case("EX"), g.RelTTL(false))
	default:
		args = append(args, g.Pick("BOGUS", "KEEPTTL", "NX", "EX", "PERSIST"), g.Pick("PERSIST", "EX", "1", ""))
	}
	return args
}

// genLcs makes LCS of two keys with LEN, IDX, MINMATCHLEN and
// WITHMATCHLEN, valid and not.
func genLcs(g *G) []string {
	args := []string{"LCS", g.Key(), g.Key()}
	for range g.Between(0, 3) {
		switch g.Intn(5) {
		case 0:
			args = append(args, g.Case("LEN"))
		case 1:
			args = append(args, g.Case("IDX"))
		case 2:
			args = append(args, g.Case("MINMATCHLEN"), g.Pick("0", "1", "2", "4", "-1", "abc"))
		case 3:
			args = append(args, g.Case("WITHMATCHLEN"))
		default:
			args = append(args, g.Pick("BOGUS", "MINMATCHLEN"))
		}
	}
	return args
}
