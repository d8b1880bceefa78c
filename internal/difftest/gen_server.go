package difftest

// configParams are the parameters photon serve shares with Redis and
// that have the same value in both as the tests start them (not port,
// dir or dbfilename).
var configParams = []string{
	"timeout", "slowlog-max-len", "slowlog-log-slower-than", "databases", "maxclients", "save",
	"protected-mode", "loglevel", "tls-port", "io-threads", "proto-max-bulk-len",
	"client-query-buffer-limit", "client-output-buffer-limit", "requirepass", "bind",
	"SLOWLOG-MAX-LEN", "slowlog*", "nosuch-param", "",
}

func init() {
	register(&Family{
		Name: "server",
		Commands: []Command{
			{Name: "DBSIZE", Weight: 2, Make: func(g *G) []string { return []string{"DBSIZE"} }},
			{Name: "FLUSHDB", Weight: 1, Make: func(g *G) []string {
				args := []string{g.Pick("FLUSHDB", "FLUSHDB", "FLUSHDB", "FLUSHALL")}
				if g.Percent(50) {
					args = append(args, g.Case(g.Pick("ASYNC", "SYNC", "BOGUS")))
				}
				return args
			}},
			{Name: "TIME", Weight: 1, Make: func(g *G) []string { return []string{g.Pick("TIME", "LASTSAVE")} }},
			{Name: "INFO", Weight: 1, Make: func(g *G) []string {
				args := []string{"INFO"}
				for range g.Between(0, 2) {
					args = append(args, g.Pick("server", "clients", "memory", "persistence", "stats", "keyspace",
						"all", "default", "everything", "bogus", "KEYSPACE"))
				}
				return args
			}},
			{Name: "COMMAND", Weight: 1, Make: genCommand},
			{Name: "CONFIG", Weight: 2, Make: genConfig},
			{Name: "SLOWLOG", Weight: 1, Make: func(g *G) []string {
				args := []string{"SLOWLOG", g.Case(g.Pick("GET", "GET", "LEN", "RESET", "HELP", "BOGUS"))}
				if args[1] == "GET" && g.Percent(50) {
					args = append(args, g.Int())
				}
				return args
			}},
		},
		Rules: map[string]Rule{
			"TIME":     Shape,
			"LASTSAVE": Shape,
			"INFO":     KindOnly,
			// Redis gathers the matches in a dict: no order.
			"CONFIG|GET": UnorderedPairs,
			// The slow log holds whatever ran slowly here.
			"SLOWLOG|GET": KindOnly,
			"SLOWLOG|LEN": Shape,
		},
		Reset: [][]string{{"CONFIG", "SET", "slowlog-max-len", "128", "slowlog-log-slower-than", "10000",
			"loglevel", "notice", "protected-mode", "yes", "timeout", "0"}},
	})
}

// genCommand makes COMMAND INFO and COMMAND DOCS for commands both
// servers have, and the forms that are errors.
func genCommand(g *G) []string {
	names := []string{"get", "SET", "hset", "lpush", "del", "expire", "keys", "client", "config", "nosuch", "client|list", ""}
	args := []string{"COMMAND", g.Case(g.Pick("INFO", "INFO", "DOCS", "BOGUS", "HELP"))}
	for range g.Between(0, 2) {
		args = append(args, g.Pick(names...))
	}
	return args
}

// genConfig makes CONFIG GET of the shared parameters, CONFIG SET of
// those a test may change (and of some it may not), RESETSTAT and HELP.
func genConfig(g *G) []string {
	switch g.Intn(10) {
	case 0, 1, 2, 3:
		args := []string{"CONFIG", g.Case("GET")}
		for range g.Between(1, 2) {
			args = append(args, g.Pick(configParams...))
		}
		return args
	case 4, 5, 6:
		args := []string{"CONFIG", g.Case("SET")}
		for range g.Between(1, 2) {
			switch g.Intn(9) {
			case 0:
				args = append(args, "slowlog-max-len", g.Pick("0", "10", "128", "-1", "abc", "1e3", "", "2147483648"))
			case 1:
				args = append(args, "slowlog-log-slower-than", g.Pick("10000", "-1", "100000", "abc", "-2"))
			case 2:
				args = append(args, "loglevel", g.Pick("notice", "warning", "verbose", "NOTICE", "bogus", ""))
			case 3:
				args = append(args, "protected-mode", g.Pick("yes", "no", "YES", "maybe", ""))
			case 4:
				args = append(args, "timeout", g.Pick("0", "-1", "abc", "1.5"))
			case 5:
				// Not a valid value: what Redis accepts depends on the
				// machine's open-file limit.
				args = append(args, "maxclients", g.Pick("0", "abc", "-1"))
			case 6:
				args = append(args, g.Pick("databases", "nosuch-param"), g.Pick("4", "0"))
			case 7:
				args = append(args, "save", g.Pick("", "abc", "1"))
			default:
				args = append(args, "slowlog-max-len") // no value
			}
		}
		return args
	case 7:
		return []string{"CONFIG", g.Case("RESETSTAT")}
	case 8:
		return []string{"CONFIG", g.Case("HELP")}
	default:
		return []string{"CONFIG", g.Pick("BOGUS", "REWRITE-NOT", "")}
	}
}
