package difftest

import (
	"strconv"
	"strings"

	"github.com/photondb/photon/resp"
)

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
				return []string{g.Pick("RENAME", "RENAME", "RENAMENX"), src, dst}
			}},
			{Name: "UNLINK", Weight: 1, Make: func(g *G) []string { return append([]string{"UNLINK"}, g.KeyList(1, 3)...) }},
			{Name: "TOUCH", Weight: 1, Make: func(g *G) []string { return append([]string{"TOUCH"}, g.KeyList(1, 3)...) }},
			{Name: "EXPIRETIME", Weight: 2, Make: func(g *G) []string {
				return []string{g.Pick("EXPIRETIME", "PEXPIRETIME"), g.Key()}
			}},
			{Name: "COPY", Weight: 3, Make: genCopy},
			{Name: "MOVE", Weight: 2, Make: func(g *G) []string { return []string{"MOVE", g.Key(), g.DB()} }},
			{Name: "SWAPDB", Weight: 1, Make: func(g *G) []string { return []string{"SWAPDB", g.DB(), g.DB()} }},
			{Name: "RANDOMKEY", Weight: 1, Make: func(g *G) []string { return []string{"RANDOMKEY"} }},
			{Name: "SCAN", Weight: 2, Make: func(g *G) []string { return append([]string{"SCAN"}, g.ScanArgs(true)...) }},
			{Name: "OBJECT", Weight: 3, Make: func(g *G) []string {
				sub := g.Case(g.Pick("ENCODING", "ENCODING", "ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "BOGUS"))
				return []string{"OBJECT", sub, g.Key()}
			}},
			// Fixed: a mutation could turn a form genSort leaves out (see
			// sortRule) back in.
			{Name: "SORT", Weight: 4, Make: genSort, Fixed: true},
		},
		// KEYS lists a hash table: no order. TTL and PTTL are compared
		// within the runner's slack.
		Rules: map[string]Rule{
			"KEYS":            Unordered,
			"RANDOMKEY":       KindOnly,
			"SCAN":            ScanReply(1, 1),
			"OBJECT|IDLETIME": Shape,
			"SORT":            sortRule,
			"SORT_RO":         sortRule,
		},
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

// DB returns a database index for MOVE, SWAPDB and COPY: mostly one the
// generators use, sometimes out of range or not a number.
func (g *G) DB() string {
	if g.Percent(90) {
		return strconv.Itoa(g.Intn(DBs))
	}
	return g.Pick("16", "-1", "abc", "", "1.0", "9999999999")
}

// genCopy makes COPY with DB and REPLACE, valid and not.
func genCopy(g *G) []string {
	args := []string{"COPY", g.Key(), g.Key()}
	if g.Percent(40) {
		args = append(args, g.Case("DB"), g.DB())
	}
	if g.Percent(40) {
		args = append(args, g.Case("REPLACE"))
	}
	if g.Percent(5) {
		args = append(args, g.Pick("BOGUS", "DB"))
	}
	return args
}

// sortPatterns are BY and GET patterns over the key space: keys named
// after the elements, hash fields, and patterns with no * (which make BY
// skip sorting).
var sortPatterns = []string{"k*", "*", "k*->f1", "*->f0", "nosort", "x", "#", "k*->", "->f1", "k?*"}

// genSort makes SORT or SORT_RO with BY, LIMIT, GET, ASC or DESC, ALPHA
// and STORE, valid and not. It does not store what Redis leaves in no
// particular order (see sortRule).
func genSort(g *G) []string {
	ro := g.Percent(25)
	args := []string{"SORT", g.Key()}
	if ro {
		args[0] = "SORT_RO"
	}
	for range g.Between(0, 4) {
		switch g.Intn(8) {
		case 0:
			args = append(args, g.Case("BY"), g.Pick(sortPatterns...))
		case 1:
			args = append(args, g.Case("LIMIT"), g.Pick("0", "1", "-1", "abc", "2"), g.Pick("1", "2", "-1", "0", "10", "abc"))
		case 2, 3:
			args = append(args, g.Case("GET"), g.Pick(sortPatterns...))
		case 4:
			args = append(args, g.Case(g.Pick("ASC", "DESC")))
		case 5:
			args = append(args, g.Case("ALPHA"))
		case 6:
			args = append(args, g.Case("STORE"), g.Key())
		default:
			args = append(args, g.Pick("BOGUS", "BY", "LIMIT", "GET", "STORE"))
		}
	}
	if o := sortOptionsOf(args); o.store && o.alpha && o.byPattern {
		args = withoutStore(args)
	}
	return args
}

// withoutStore returns SORT's args without their STORE options, every
// one of them: Redis stores into the last, so that leaving out only the
// first one of two still stores (seed 1795768890474429362, -difftest.n
// 300000: SORT k4 ALPHA STORE k0 BY *->f0 stored a set's two elements,
// which tie, in the order of its hash table, which Redis seeds at random
// at each start).
func withoutStore(args []string) []string {
	out := args[:2:2]
	for i := 2; i < len(args); i++ {
		if strings.EqualFold(args[i], "STORE") && i+1 < len(args) {
			i++ // and its key
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// sortOpts are the options of a SORT command that decide whether Redis
// answers in a defined order.
type sortOpts struct {
	nosort, byPattern, alpha, limit, store bool
	gets                                   int
}

// sortOptionsOf reads SORT's options as Redis does: the last BY pattern
// is the one sorted by, but any BY without * means no sorting.
func sortOptionsOf(args []string) sortOpts {
	var o sortOpts
	for i := 2; i < len(args); i++ {
		switch a := args[i]; {
		case strings.EqualFold(a, "STORE") && i+1 < len(args):
			o.store = true
			i++
		case strings.EqualFold(a, "BY") && i+1 < len(args):
			star := strings.Contains(args[i+1], "*")
			o.nosort = o.nosort || !star
			o.byPattern = star
			i++
		case strings.EqualFold(a, "GET") && i+1 < len(args):
			o.gets++
			i++
		case strings.EqualFold(a, "LIMIT") && i+2 < len(args):
			o.limit = true
			i += 2
		case strings.EqualFold(a, "ALPHA"):
			o.alpha = true
		}
	}
	return o
}

// sortRule compares SORT's replies exactly where Redis defines the
// order, and otherwise without order (by length only when LIMIT cuts
// the reply): when BY names a pattern without * (no sorting) over a set
// that is a hash table, which SORT answers in the table's order; and
// when ALPHA sorts a set or a sorted set by a pattern, where elements
// whose values tie (or are missing) stay in the order Redis loaded them,
// a hash table's (for a list too when LIMIT makes Redis sort with its own
// quicksort, which does not keep the order of ties). STORE forms compare
// exactly: Redis sorts a set to store it, and genSort leaves out the
// others.
var sortRule = Rule{For: func(args []string) Rule {
	o := sortOptionsOf(args)
	if o.store || !o.nosort && !(o.alpha && o.byPattern) {
		return Rule{Same: exactRule}
	}
	return Rule{
		Probe: func(args []string) []string { return []string{"OBJECT", "ENCODING", args[1]} },
		Same: func(p, r, probe resp.Value) bool {
			enc := string(probe.Str)
			list := enc == "quicklist"
			switch {
			case probe.Kind != resp.BulkString || o.nosort && enc != "hashtable":
				return Exact(p, r)
			case list && !(o.alpha && o.byPattern && o.limit):
				return Exact(p, r)
			}
			if o.limit {
				// Which elements LIMIT keeps is undefined too, and with
				// GET patterns so is which of them are nil.
				return sameLength(p, r, resp.Value{})
			}
			return sameUnordered(p, r, max(o.gets, 1))
		},
	}
}}
