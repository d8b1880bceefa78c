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
		},
		// A small hash is a listpack, in insertion order; a big one is a
		// hash table, in no order.
		Rules: map[string]Rule{
			"HGETALL": UnorderedUnlessEncoding(2, "listpack", "ziplist"),
			"HKEYS":   UnorderedUnlessEncoding(1, "listpack", "ziplist"),
			"HVALS":   UnorderedUnlessEncoding(1, "listpack", "ziplist"),
		},
		Inspect: func(key string) []string { return []string{"HGETALL", key} },
	})
}
