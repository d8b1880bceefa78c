package difftest

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
			// LSIZE is photon's own name for LLEN, from the original
			// program; Redis has no such command, so it is not compared.
		},
		Inspect: func(key string) []string { return []string{"LRANGE", key, "0", "-1"} },
	})
}
