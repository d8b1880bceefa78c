package difftest

func init() {
	register(&Family{
		Name: "connection",
		Commands: []Command{
			{Name: "PING", Weight: 1, Make: func(g *G) []string {
				if g.Percent(50) {
					return []string{"PING"}
				}
				return []string{"PING", g.Value()}
			}},
			{Name: "ECHO", Weight: 1, Make: func(g *G) []string { return []string{"ECHO", g.Value()} }},
			{Name: "SELECT", Weight: 3, Make: func(g *G) []string {
				if g.Percent(85) {
					return []string{"SELECT", g.Pick("0", "0", "1", "2")}
				}
				return []string{"SELECT", g.Pick("16", "-1", "abc", "", "3.0", "9999999999", "01")}
			}},
			{Name: "HELLO", Weight: 1, Make: genHello},
			{Name: "AUTH", Weight: 1, Make: func(g *G) []string {
				forms := [][]string{{"pw"}, {"default", "pw"}, {"nosuch", "pw"}, {"a", "b", "c"}, {""}}
				return append([]string{"AUTH"}, forms[g.Intn(len(forms))]...)
			}},
			{Name: "CLIENT", Weight: 2, Make: genClient},
			{Name: "RESET", Weight: 1, Make: func(g *G) []string { return []string{"RESET"} }},
			{Name: "UNKNOWN", Weight: 1, Make: func(g *G) []string {
				return append([]string{g.Pick(unknownNames...)}, g.Values(0, 2)...)
			}},
		},
		Rules: map[string]Rule{
			// HELLO names the server, its version and this connection.
			"HELLO":       MapExcept("server", "version", "id"),
			"CLIENT|ID":   Shape,
			"CLIENT|INFO": KindOnly,
			"CLIENT|LIST": KindOnly,
		},
	})
}

// unknownNames are names of commands that neither server has.
var unknownNames = []string{"NOSUCHCMD", "nosuch", "", "GET\x00"}

// genHello makes HELLO with or without a protocol version, AUTH and
// SETNAME, valid and not.
func genHello(g *G) []string {
	args := []string{"HELLO"}
	if g.Percent(90) {
		args = append(args, g.Pick("2", "3", "3", "1", "4", "abc", "-1", "2.0"))
	}
	if g.Percent(20) {
		args = append(args, g.Case("AUTH"), g.Pick("default", "nosuch"), "pw")
	}
	if g.Percent(20) {
		args = append(args, g.Case("SETNAME"), g.Pick("conn", "a b", ""))
	}
	if g.Percent(5) {
		args = append(args, g.Pick("BOGUS", "AUTH", "SETNAME"))
	}
	return args
}

// genClient makes the CLIENT subcommands that leave the test's own
// connection open and its replies comparable.
func genClient(g *G) []string {
	switch g.Intn(12) {
	case 0:
		return []string{"CLIENT", g.Case("ID")}
	case 1:
		return []string{"CLIENT", g.Case("INFO")}
	case 2:
		args := []string{"CLIENT", g.Case("LIST")}
		switch g.Intn(4) {
		case 0:
			args = append(args, "TYPE", g.Pick("normal", "pubsub", "replica", "master", "bogus"))
		case 1:
			args = append(args, "ID", g.Pick("999999", "abc", "1"))
		case 2:
			args = append(args, g.Pick("BOGUS", "TYPE"))
		}
		return args
	case 3, 4:
		return []string{"CLIENT", g.Case("GETNAME")}
	case 5, 6:
		return []string{"CLIENT", g.Case("SETNAME"), g.Pick("conn", "a-b_c", "", "a b", "a\nb", "ü")}
	case 7:
		return []string{"CLIENT", g.Case("NO-EVICT"), g.Pick("on", "off", "ON", "maybe")}
	case 8:
		kill := [][]string{
			{"127.0.0.1:1"}, {"ID", "999999"}, {"ID", "abc"}, {"ADDR", "127.0.0.1:1"}, {"LADDR", "127.0.0.1:1"},
			{"USER", "nosuch"}, {"TYPE", "bogus"}, {"SKIPME", "yes", "ID", "999999"}, {"SKIPME", "maybe", "ID", "1"},
			{"BOGUS", "x"}, {"ID"},
		}
		return append([]string{"CLIENT", g.Case("KILL")}, kill[g.Intn(len(kill))]...)
	case 9:
		return []string{"CLIENT", g.Case("HELP")}
	case 10:
		return []string{"CLIENT", g.Pick("NO-TOUCH", "SETINFO", "BOGUS", "")}
	default:
		return []string{"CLIENT"}
	}
}
