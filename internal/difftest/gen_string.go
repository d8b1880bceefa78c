package difftest

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
