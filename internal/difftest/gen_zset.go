package difftest

import (
	"slices"
	"strconv"
	"strings"

	"github.com/photondb/photon/resp"
)

func init() {
	register(&Family{
		Name: "zset",
		Commands: []Command{
			{Name: "ZADD", Weight: 10, Make: genZadd},
			{Name: "ZINCRBY", Weight: 2, Make: func(g *G) []string {
				return []string{"ZINCRBY", g.Key(), g.Score(), g.Field()}
			}},
			{Name: "ZREM", Weight: 3, Make: func(g *G) []string {
				args := []string{"ZREM", g.Key()}
				for range g.Between(1, 3) {
					args = append(args, g.Field())
				}
				return args
			}},
			{Name: "ZCARD", Weight: 1, Make: func(g *G) []string { return []string{"ZCARD", g.Key()} }},
			{Name: "ZSCORE", Weight: 2, Make: func(g *G) []string { return []string{"ZSCORE", g.Key(), g.Field()} }},
			{Name: "ZMSCORE", Weight: 1, Make: func(g *G) []string {
				args := []string{"ZMSCORE", g.Key()}
				for range g.Between(1, 3) {
					args = append(args, g.Field())
				}
				return args
			}},
			{Name: "ZRANK", Weight: 2, Make: func(g *G) []string {
				return []string{g.Pick("ZRANK", "ZREVRANK"), g.Key(), g.Field()}
			}},
			{Name: "ZCOUNT", Weight: 2, Make: func(g *G) []string {
				return []string{"ZCOUNT", g.Key(), g.ScoreBound(), g.ScoreBound()}
			}},
			{Name: "ZLEXCOUNT", Weight: 2, Make: func(g *G) []string {
				return []string{"ZLEXCOUNT", g.Key(), g.LexBound(), g.LexBound()}
			}},
			{Name: "ZRANGE", Weight: 6, Make: genZrange},
			{Name: "ZRANGEBYSCORE", Weight: 3, Make: func(g *G) []string {
				args := []string{g.Pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), g.Key(), g.ScoreBound(), g.ScoreBound()}
				if g.Percent(40) {
					args = append(args, g.Case("WITHSCORES"))
				}
				return append(args, g.Limit()...)
			}},
			{Name: "ZRANGEBYLEX", Weight: 3, Make: func(g *G) []string {
				args := []string{g.Pick("ZRANGEBYLEX", "ZREVRANGEBYLEX"), g.Key(), g.LexBound(), g.LexBound()}
				return append(args, g.Limit()...)
			}},
			{Name: "ZREVRANGE", Weight: 2, Make: func(g *G) []string {
				args := []string{"ZREVRANGE", g.Key(), g.Int(), g.Int()}
				if g.Percent(40) {
					args = append(args, g.Case("WITHSCORES"))
				}
				return args
			}},
			{Name: "ZRANGESTORE", Weight: 2, Make: func(g *G) []string {
				args := genZrange(g)
				if slices.ContainsFunc(args, func(a string) bool { return strings.EqualFold(a, "BYLEX") }) {
					args[2], args[3] = g.SafeLexBound(), g.SafeLexBound()
				}
				args = append([]string{"ZRANGESTORE", g.Key()}, args[1:]...)
				if len(args) > 5 && args[len(args)-1] == "WITHSCORES" && g.Percent(70) {
					args = args[:len(args)-1]
				}
				return args
			}},
			{Name: "ZREMRANGEBYRANK", Weight: 2, Make: func(g *G) []string {
				switch g.Intn(3) {
				case 0:
					return []string{"ZREMRANGEBYRANK", g.Key(), g.Int(), g.Int()}
				case 1:
					return []string{"ZREMRANGEBYSCORE", g.Key(), g.ScoreBound(), g.ScoreBound()}
				}
				return []string{"ZREMRANGEBYLEX", g.Key(), g.SafeLexBound(), g.SafeLexBound()}
			}},
			{Name: "ZPOPMIN", Weight: 3, Make: func(g *G) []string {
				args := []string{g.Pick("ZPOPMIN", "ZPOPMAX"), g.Key()}
				if g.Percent(50) {
					args = append(args, g.Count())
				}
				return args
			}},
			{Name: "ZMPOP", Weight: 2, Make: genZmpop},
			{Name: "ZUNION", Weight: 4, Make: genZsetOp},
			{Name: "ZINTERCARD", Weight: 1, Make: func(g *G) []string {
				args := genSintercard(g)
				args[0] = "ZINTERCARD"
				return args
			}},
			{Name: "ZRANDMEMBER", Weight: 2, Make: func(g *G) []string {
				args := []string{"ZRANDMEMBER", g.Key()}
				if g.Percent(70) {
					args = append(args, g.RandCount())
					if g.Percent(50) {
						args = append(args, g.Case(g.Pick("WITHSCORES", "WITHSCORES", "BOGUS")))
					}
				}
				return args
			}},
			{Name: "ZSCAN", Weight: 2, Make: func(g *G) []string {
				return append([]string{"ZSCAN", g.Key()}, g.ScanArgs(false)...)
			}},
		},
		Rules: map[string]Rule{
			"ZRANGEBYLEX":    lexRule,
			"ZREVRANGEBYLEX": lexRule,
			"ZLEXCOUNT":      lexRule,
			"ZRANGE": {For: func(args []string) Rule {
				if slices.ContainsFunc(args, func(a string) bool { return strings.EqualFold(a, "BYLEX") }) {
					return lexRule
				}
				return Rule{Same: exactRule}
			}},
			"ZRANDMEMBER": RandomMembers(2),
			"ZSCAN":       ScanReply(2, 2),
		},
		Inspect: func(key string) []string { return []string{"ZRANGE", key, "0", "-1", "WITHSCORES"} },
	})
}

// Score returns a sorted-set score: mostly a small integer (so that
// scores tie and members order by name), else a float argument with
// its edge cases.
func (g *G) Score() string {
	if g.Percent(60) {
		return strconv.Itoa(g.r.IntN(10) - 3)
	}
	return g.Float()
}

// ScoreBound returns a ZRANGEBYSCORE bound: a score, exclusive or not,
// an infinity, or a malformed one.
func (g *G) ScoreBound() string {
	switch g.Intn(10) {
	case 0:
		return g.Pick("-inf", "+inf", "inf", "-INF")
	case 1:
		return g.Pick("(", "((1", "[1", "(nan", "nan", "(inf", "(-inf", "abc", "")
	case 2, 3:
		return "(" + g.Score()
	}
	return g.Score()
}

// LexBound returns a ZRANGEBYLEX bound: - and +, inclusive and
// exclusive members, and malformed ones.
func (g *G) LexBound() string {
	switch g.Intn(10) {
	case 0, 1:
		return g.Pick("-", "+")
	case 2:
		return g.Pick("a", "", "f1", "(", "[", "-inf", "++")
	case 3, 4, 5:
		return "(" + g.Field()
	}
	return "[" + g.Field()
}

// SafeLexBound returns a lex bound whose range Redis finds the same way
// in any sorted set: "-", "+" or a malformed one. Redis finds the ends
// of other ranges in a skip list by its random levels, which gives
// different answers when members with different scores are not in lex
// order: the commands that store such a range must not use them.
func (g *G) SafeLexBound() string {
	if g.Percent(10) {
		return g.Pick("a", "", "f1", "(", "[")
	}
	return g.Pick("-", "+")
}

// lexRule compares the replies of a read by lex range exactly, but by
// kind only when Redis keeps the sorted set as a skip list, where the
// ends of a range, and so its length, depend on the list's random levels
// unless all members are in lex order (see SafeLexBound).
var lexRule = Rule{
	Probe: func(args []string) []string {
		if len(args) < 2 {
			return nil
		}
		return []string{"OBJECT", "ENCODING", args[1]}
	},
	Same: func(p, r, probe resp.Value) bool {
		if probe.Kind == resp.BulkString && string(probe.Str) == "skiplist" {
			return sameKind(p, r, probe)
		}
		return Exact(p, r)
	},
}

// Limit returns nothing or a LIMIT clause, valid or not.
func (g *G) Limit() []string {
	if g.Percent(60) {
		return nil
	}
	if g.Percent(10) {
		return []string{g.Case("LIMIT"), g.Int()}
	}
	return []string{g.Case("LIMIT"), g.Pick("0", "0", "1", "2", "-1", "5", g.Int()), g.Pick("-1", "1", "2", "3", "0", g.Int())}
}

// genZadd makes ZADD with a random mix of NX XX GT LT CH INCR, some
// contradicting, and score, member pairs, some malformed.
func genZadd(g *G) []string {
	args := []string{"ZADD", g.Key()}
	for range g.Between(0, 2) {
		if g.Percent(50) {
			args = append(args, g.Case(g.Pick("NX", "XX", "GT", "LT", "CH", "INCR")))
		}
	}
	n := g.Between(1, 3)
	switch {
	case g.Percent(2):
		n = g.Between(125, 135) // across zset-max-listpack-entries
	case g.Percent(10):
		n = 1
	}
	for range n {
		member := g.Field()
		if n > 100 {
			member = "m" + strconv.Itoa(g.r.IntN(500))
		}
		args = append(args, g.Score(), member)
	}
	if g.Percent(5) {
		args = args[:len(args)-1] // a score without its member
	}
	return args
}

// genZrange makes ZRANGE by rank, by score or by lex, forward or
// reversed, with LIMIT and WITHSCORES, valid or not.
func genZrange(g *G) []string {
	key := g.Key()
	var args []string
	switch g.Intn(4) {
	case 0:
		args = []string{"ZRANGE", key, g.ScoreBound(), g.ScoreBound(), g.Case("BYSCORE")}
	case 1:
		args = []string{"ZRANGE", key, g.LexBound(), g.LexBound(), g.Case("BYLEX")}
	default:
		if g.Percent(30) {
			args = []string{"ZRANGE", key, "0", "-1"}
		} else {
			args = []string{"ZRANGE", key, g.Int(), g.Int()}
		}
	}
	if g.Percent(30) {
		args = append(args, g.Case("REV"))
	}
	args = append(args, g.Limit()...)
	if g.Percent(40) {
		args = append(args, g.Case("WITHSCORES"))
	}
	if g.Percent(5) {
		args = append(args, g.Pick("BYSCORE", "BYLEX", "BOGUS", "REV"))
	}
	return args
}

// genZmpop makes ZMPOP with a key count, MIN or MAX and a COUNT, right
// or wrong.
func genZmpop(g *G) []string {
	return genMpop(g, "ZMPOP", []string{"MIN", "MAX", "MIN", "MAX", "BOGUS"}, 50)
}

// genMpop makes LMPOP or ZMPOP (name) with a key count, right or wrong,
// one of ends (where to pop from, a wrong one among them), and a COUNT
// in count percent of commands.
func genMpop(g *G, name string, ends []string, count int) []string {
	keys := g.KeyList(1, 3)
	n := strconv.Itoa(len(keys))
	if g.Percent(10) {
		n = g.Pick("0", "-1", "abc", "5")
	}
	args := append([]string{name, n}, keys...)
	args = append(args, g.Case(g.Pick(ends...)))
	if g.Percent(count) {
		args = append(args, g.Case("COUNT"), g.Count())
	}
	return args
}

// genZsetOp makes ZUNION, ZINTER, ZDIFF and their STORE forms with a key
// count, WEIGHTS, AGGREGATE and WITHSCORES, valid and not.
func genZsetOp(g *G) []string {
	name := g.Pick("ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE")
	store := len(name) > 6
	keys := g.KeyList(1, 3)
	n := strconv.Itoa(len(keys))
	if g.Percent(8) {
		n = g.Pick("0", "-1", "abc", "5", strconv.Itoa(len(keys)-1))
	}
	args := []string{name}
	if store {
		args = append(args, g.Key())
	}
	args = append(args, n)
	args = append(args, keys...)
	diff := name == "ZDIFF" || name == "ZDIFFSTORE"
	if (!diff || g.Percent(10)) && g.Percent(40) {
		args = append(args, g.Case("WEIGHTS"))
		w := len(keys)
		if g.Percent(10) {
			w = g.Between(0, 4)
		}
		for range w {
			args = append(args, g.Pick("1", "2", "-1", "0", "0.5", "inf", "-inf", "nan", "abc", g.Score()))
		}
	}
	if (!diff || g.Percent(10)) && g.Percent(30) {
		args = append(args, g.Case("AGGREGATE"), g.Case(g.Pick("SUM", "MIN", "MAX", "BOGUS")))
	}
	if (!store || g.Percent(10)) && g.Percent(50) {
		args = append(args, g.Case("WITHSCORES"))
	}
	return args
}
