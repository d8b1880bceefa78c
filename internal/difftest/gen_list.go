package difftest

import "strconv"

func init() {
	register(&Family{
		Name: "list",
		Commands: []Command{
			{Name: "LPUSH", Weight: 6, Make: func(g *G) []string {
				args := []string{g.Pick("LPUSH", "RPUSH"), g.Key()}
				if g.Percent(2) {
					return append(args, g.Values(100, 300)...) // a long list
				}
				return append(args, g.Values(1, 4)...)
			}},
			{Name: "LPOP", Weight: 5, Make: func(g *G) []string {
				args := []string{g.Pick("LPOP", "RPOP"), g.Key()}
				if g.Percent(40) {
					args = append(args, g.Count())
				}
				return args
			}},
			{Name: "LRANGE", Weight: 4, Make: func(g *G) []string {
				if g.Percent(30) {
					return []string{"LRANGE", g.Key(), "0", "-1"}
				}
				return []string{"LRANGE", g.Key(), g.Int(), g.Int()}
			}},
			{Name: "LLEN", Weight: 2, Make: func(g *G) []string { return []string{"LLEN", g.Key()} }},
			{Name: "LINDEX", Weight: 3, Make: func(g *G) []string { return []string{"LINDEX", g.Key(), g.Int()} }},
			{Name: "LPUSHX", Weight: 2, Make: func(g *G) []string {
				return append([]string{g.Pick("LPUSHX", "RPUSHX"), g.Key()}, g.Values(1, 3)...)
			}},
			{Name: "LSET", Weight: 2, Make: func(g *G) []string { return []string{"LSET", g.Key(), g.Int(), g.Value()} }},
			{Name: "LREM", Weight: 2, Make: func(g *G) []string {
				return []string{"LREM", g.Key(), g.Pick("0", "1", "2", "-1", "-2", g.Int()), g.Value()}
			}},
			{Name: "LTRIM", Weight: 2, Make: func(g *G) []string {
				if g.Percent(20) {
					return []string{"LTRIM", g.Key(), "0", "-1"}
				}
				return []string{"LTRIM", g.Key(), g.Int(), g.Int()}
			}},
			{Name: "LINSERT", Weight: 2, Make: func(g *G) []string {
				where := g.Case(g.Pick("BEFORE", "AFTER", "BEFORE", "AFTER", "BOGUS"))
				return []string{"LINSERT", g.Key(), where, g.Value(), g.Value()}
			}},
			{Name: "LPOS", Weight: 2, Make: genLpos},
			{Name: "LMOVE", Weight: 2, Make: func(g *G) []string {
				if g.Percent(30) {
					return []string{"RPOPLPUSH", g.Key(), g.Key()}
				}
				return []string{"LMOVE", g.Key(), g.Key(), g.Case(g.Pick("LEFT", "RIGHT", "LEFT", "RIGHT", "UP")), g.Case(g.Pick("LEFT", "RIGHT"))}
			}},
			{Name: "LMPOP", Weight: 2, Make: func(g *G) []string {
				return genMpop(g, "LMPOP", []string{"LEFT", "RIGHT", "LEFT", "RIGHT", "MIDDLE"}, 40)
			}},
			// The blocking forms wait a thousandth of a second, at most a hundredth,
			// when there is nothing to pop, so both servers time out
			// alike; a timeout of 0 would wait for ever. The runner
			// drives one connection per server, and a blocked client's
			// pipelined commands wait behind it, so nothing can push
			// while a pop waits: its reply does not depend on timing.
			// Fixed: an argument added at the end would become BLPOP's
			// timeout, and 4294967295 seconds is for ever too.
			{Name: "BLPOP", Weight: 1, Fixed: true, Make: func(g *G) []string {
				timeout := g.Pick("0.001", "0.001", "0.001", "0.01", "-1", "abc")
				switch g.Intn(4) {
				case 0:
					return append(append([]string{g.Pick("BLPOP", "BRPOP")}, g.KeyList(1, 2)...), timeout)
				case 1:
					return []string{"BLMOVE", g.Key(), g.Key(), g.Pick("LEFT", "RIGHT"), g.Pick("LEFT", "RIGHT"), timeout}
				case 2:
					return []string{"BRPOPLPUSH", g.Key(), g.Key(), timeout}
				}
				keys := g.KeyList(1, 2)
				return append(append([]string{"BLMPOP", timeout, strconv.Itoa(len(keys))}, keys...), g.Pick("LEFT", "RIGHT"))
			}},
			// LSIZE is photon's own name for LLEN, from the original
			// program; Redis has no such command, so it is not compared.
		},
		Inspect: func(key string) []string { return []string{"LRANGE", key, "0", "-1"} },
	})
}

// genLpos makes LPOS with RANK, COUNT and MAXLEN in any order, valid or
// not (a zero rank, negative count or length, a missing value).
func genLpos(g *G) []string {
	args := []string{"LPOS", g.Key(), g.Value()}
	for range g.Between(0, 3) {
		switch g.Intn(3) {
		case 0:
			args = append(args, g.Case("RANK"), g.Pick("1", "2", "-1", "-2", "0", g.Int()))
		case 1:
			args = append(args, g.Case("COUNT"), g.Pick("0", "1", "2", "-1", g.Count()))
		default:
			args = append(args, g.Case("MAXLEN"), g.Pick("0", "1", "3", "-1", g.Count()))
		}
	}
	if g.Percent(3) {
		args = args[:len(args)-1] // an option without its value
	}
	return args
}
