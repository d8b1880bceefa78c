package difftest

func init() {
	register(&Family{
		Name: "keys",
		Commands: []Command{
			{Name: "DEL", Weight: 3, Make: func(g *G) []string { return append([]string{"DEL"}, g.KeyList(1, 4)...) }},
			{Name: "EXISTS", Weight: 2, Make: func(g *G) []string { return append([]string{"EXISTS"}, g.KeyList(1, 4)...) }},
			{Name: "EXPIRE", Weight: 6, Make: genExpire},
			{Name: "TTL", Weight: 3, Make: func(g *G) []string { return []string{g.Pick("TTL", "PTTL"), g.Key()} }},
			{Name: "PERSIST", Weight: 2, Make: func(g *G) []string { return []string{"PERSIST", g.Key()} }},
			{Name: "TYPE", Weight: 3, Make: func(g *G) []string { return []string{"TYPE", g.Key()} }},
			{Name: "KEYS", Weight: 2, Make: func(g *G) []string { return []string{"KEYS", g.Pattern()} }},
			{Name: "RENAME", Weight: 3, Make: func(g *G) []string {
				src := g.Key()
				dst := g.Key()
				if g.Percent(10) {
					dst = src
				}
				return []string{"RENAME", src, dst}
			}},
		},
		// KEYS lists a hash table: no order. TTL and PTTL are compared
		// within the runner's slack.
		Rules: map[string]Rule{"KEYS": Unordered},
	})
}

// genExpire makes EXPIRE, PEXPIRE, EXPIREAT or PEXPIREAT with a time far
// in the future, already past, or invalid, and with zero or more of the
// options NX XX GT LT (some combinations invalid) or a bogus one.
func genExpire(g *G) []string {
	name := g.Pick("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT")
	ms := name[0] == 'P'
	abs := name[len(name)-2:] == "AT"
	args := []string{name, g.Key(), g.TTL(ms, abs)}
	if g.Percent(10) && !abs {
		args[2] = g.AbsTTL(ms) // an absolute time as a relative one: out of range or far away
	}
	for range g.Between(0, 2) {
		if g.Percent(90) {
			args = append(args, g.Case(g.Pick("NX", "XX", "GT", "LT")))
		} else {
			args = append(args, g.Pick("BOGUS", "", "1", "N\nX"))
		}
	}
	return args
}
