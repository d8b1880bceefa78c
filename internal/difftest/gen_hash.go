package difftest

func init() {
	register(&Family{
		Name: "hash",
		Commands: []Command{
			{Name: "HSET", Weight: 6, Make: func(g *G) []string {
				args := []string{g.Pick("HSET", "HMSET"), g.Key()}
				n := g.Between(1, 3)
				if g.Percent(2) {
					n = g.Between(120, 140) // across hash-max-listpack-entries
				}
				for range n {
					args = append(args, g.Field(), g.Value())
				}
				if g.Percent(5) {
					args = args[:len(args)-1] // a field without its value
				}
				return args
			}},
			{Name: "HGET", Weight: 4, Make: func(g *G) []string { return []string{"HGET", g.Key(), g.Field()} }},
			{Name: "HMGET", Weight: 2, Make: func(g *G) []string {
				args := []string{"HMGET", g.Key()}
				for range g.Between(1, 4) {
					args = append(args, g.Field())
				}
				return args
			}},
			{Name: "HDEL", Weight: 4, Make: func(g *G) []string {
				args := []string{"HDEL", g.Key()}
				for range g.Between(1, 3) {
					args = append(args, g.Field())
				}
				return args
			}},
			{Name: "HGETALL", Weight: 3, Make: func(g *G) []string {
				return []string{g.Pick("HGETALL", "HKEYS", "HVALS"), g.Key()}
			}},
			{Name: "HLEN", Weight: 2, Make: func(g *G) []string { return []string{"HLEN", g.Key()} }},
			{Name: "HEXISTS", Weight: 2, Make: func(g *G) []string { return []string{"HEXISTS", g.Key(), g.Field()} }},
			{Name: "HSETNX", Weight: 2, Make: func(g *G) []string { return []string{"HSETNX", g.Key(), g.Field(), g.Value()} }},
			{Name: "HINCRBY", Weight: 3, Make: func(g *G) []string { return []string{"HINCRBY", g.Key(), g.Field(), g.Int()} }},
			{Name: "HINCRBYFLOAT", Weight: 3, Make: func(g *G) []string {
				inc := g.Float()
				if g.Percent(30) {
					inc = g.Pick("0.1", "-0.1", "1e-17", "3.0e3", "5.0e-1", "1.23456789012345678901", "17e307", "-17e307")
				}
				return []string{"HINCRBYFLOAT", g.Key(), g.Field(), inc}
			}},
			{Name: "HSTRLEN", Weight: 2, Make: func(g *G) []string { return []string{"HSTRLEN", g.Key(), g.Field()} }},
			{Name: "HRANDFIELD", Weight: 2, Make: func(g *G) []string {
				args := []string{"HRANDFIELD", g.Key()}
				if g.Percent(70) {
					args = append(args, g.RandCount())
					if g.Percent(50) {
						args = append(args, g.Case(g.Pick("WITHVALUES", "WITHVALUES", "BOGUS")))
					}
				}
				return args
			}},
			{Name: "HSCAN", Weight: 2, Make: func(g *G) []string {
				return append([]string{"HSCAN", g.Key()}, g.ScanArgs(false)...)
			}},
		},
		// A small hash is a listpack, in insertion order; a big one is a
		// hash table, in no order.
		Rules: map[string]Rule{
			"HGETALL":    UnorderedUnlessEncoding(2, "listpack", "ziplist"),
			"HKEYS":      UnorderedUnlessEncoding(1, "listpack", "ziplist"),
			"HVALS":      UnorderedUnlessEncoding(1, "listpack", "ziplist"),
			"HRANDFIELD": RandomMembers(2),
			"HSCAN":      ScanReply(2, 2),
		},
		Inspect: func(key string) []string { return []string{"HGETALL", key} },
	})
}
