package difftest

import "strconv"

func init() {
	register(&Family{
		Name: "set",
		Commands: []Command{
			{Name: "SADD", Weight: 8, Make: func(g *G) []string {
				args := []string{"SADD", g.Key()}
				if g.Percent(2) {
					return append(args, g.Members(505, 520)...) // across set-max-intset-entries
				}
				return append(args, g.Members(1, 4)...)
			}},
			{Name: "SREM", Weight: 4, Make: func(g *G) []string {
				return append([]string{"SREM", g.Key()}, g.Members(1, 3)...)
			}},
			{Name: "SMEMBERS", Weight: 3, Make: func(g *G) []string { return []string{"SMEMBERS", g.Key()} }},
			{Name: "SISMEMBER", Weight: 3, Make: func(g *G) []string { return []string{"SISMEMBER", g.Key(), g.Member()} }},
			{Name: "SMISMEMBER", Weight: 2, Make: func(g *G) []string {
				return append([]string{"SMISMEMBER", g.Key()}, g.Members(1, 4)...)
			}},
			{Name: "SCARD", Weight: 2, Make: func(g *G) []string { return []string{"SCARD", g.Key()} }},
			{Name: "SMOVE", Weight: 3, Make: func(g *G) []string {
				return []string{"SMOVE", g.Key(), g.Key(), g.Member()}
			}},
			// Fixed: without its count, SPOP would pop a random member.
			{Name: "SPOP", Weight: 2, Make: genSpop, Fixed: true},
			{Name: "SRANDMEMBER", Weight: 2, Make: func(g *G) []string {
				args := []string{"SRANDMEMBER", g.Key()}
				if g.Percent(70) {
					args = append(args, g.RandCount())
				}
				return args
			}},
			{Name: "SINTER", Weight: 3, Make: func(g *G) []string {
				return append([]string{g.Pick("SINTER", "SUNION", "SDIFF")}, g.KeyList(1, 4)...)
			}},
			{Name: "SINTERSTORE", Weight: 3, Make: func(g *G) []string {
				return append([]string{g.Pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE")}, g.KeyList(2, 4)...)
			}},
			{Name: "SINTERCARD", Weight: 2, Make: genSintercard},
			{Name: "SSCAN", Weight: 2, Make: func(g *G) []string {
				return append([]string{"SSCAN", g.Key()}, g.ScanArgs(false)...)
			}},
		},
		Rules: map[string]Rule{
			// An intset is sorted; a hash table has no order.
			"SMEMBERS":    UnorderedUnlessEncoding(1, "intset", "listpack"),
			"SINTER":      Unordered,
			"SUNION":      Unordered,
			"SDIFF":       Unordered,
			"SPOP":        Unordered,
			"SRANDMEMBER": RandomMembers(1),
			"SSCAN":       ScanReply(2, 1),
		},
		Inspect: func(key string) []string { return []string{"SMEMBERS", key} },
	})
}

// Member returns a set member: half the time an integer, which keeps a
// set an intset, else a field (see Field).
func (g *G) Member() string {
	switch n := g.r.IntN(100); {
	case n < 45:
		return strconv.Itoa(g.r.IntN(30) - 10)
	case n < 50:
		return edgeInts[g.r.IntN(len(edgeInts))]
	}
	return g.Field()
}

// Members returns between lo and hi members. Long runs are mostly
// integers, so that they fill an intset.
func (g *G) Members(lo, hi int) []string {
	n := g.Between(lo, hi)
	out := make([]string, n)
	for i := range out {
		if n > 100 && g.Percent(99) {
			out[i] = strconv.Itoa(g.r.IntN(2000))
		} else {
			out[i] = g.Member()
		}
	}
	return out
}

// RandCount returns a count for SRANDMEMBER and ZRANDMEMBER: small,
// positive or negative, bigger than any collection, at the edges Redis
// refuses, or not a number. A negative count asks for that many members
// with repeats, so it stays small: -2^31 would make both servers build a
// reply of two billion members.
func (g *G) RandCount() string {
	switch n := g.r.IntN(100); {
	case n < 50:
		return strconv.Itoa(g.r.IntN(8))
	case n < 75:
		return strconv.Itoa(-g.r.IntN(8) - 1)
	case n < 85:
		return g.Pick("100000", "9223372036854775807", "4611686018427387903")
	case n < 92:
		return "-9223372036854775808" // out of range; any other huge negative count is not
	}
	return badInts[g.r.IntN(len(badInts))]
}

// genSpop makes SPOP forms whose effect does not depend on chance: a
// count at least as big as any set, zero, or invalid ones. SPOP of one
// random member is left out: the servers would pick different ones.
func genSpop(g *G) []string {
	args := []string{"SPOP", g.Key()}
	switch g.Intn(10) {
	case 0:
		return append(args, g.Pick("0", "-1", "-9223372036854775808", "abc", "", "1.5"))
	case 1:
		return append(args, "1000000", "extra")
	default:
		return append(args, g.Pick("100000", "1000000", "9223372036854775807"))
	}
}

// genSintercard makes SINTERCARD with a right or wrong key count and
// sometimes a LIMIT, valid or not.
func genSintercard(g *G) []string {
	keys := g.KeyList(1, 3)
	n := strconv.Itoa(len(keys))
	if g.Percent(10) {
		n = g.Pick("0", "-1", "abc", "5", "99999999999")
	}
	args := append([]string{"SINTERCARD", n}, keys...)
	if g.Percent(40) {
		args = append(args, g.Case("LIMIT"), g.Pick("0", "1", "2", "5", "-1", "abc"))
	}
	return args
}

// ScanArgs returns a SCAN-family cursor and options: mostly cursor 0,
// sometimes other or invalid cursors, MATCH and COUNT (valid or not),
// and for SCAN itself, when keys is true, TYPE.
func (g *G) ScanArgs(keys bool) []string {
	args := []string{g.Pick("0", "0", "0", "0", "1", "-1", "abc", "18446744073709551616", "", " 0")}
	for range g.Between(0, 2) {
		switch g.Intn(5) {
		case 0, 1:
			args = append(args, g.Case("MATCH"), g.Pick("*", "f*", "1*", "*1", "f[0-3]", "", "-*", g.Pattern()))
		case 2, 3:
			args = append(args, g.Case("COUNT"), g.Pick("1000", "1000", "10", "1", "0", "-1", "abc"))
		default:
			if keys {
				args = append(args, g.Case("TYPE"), g.Pick("string", "list", "set", "zset", "hash", "none", "STRING"))
			} else {
				args = append(args, g.Pick("NOVALUES", "BOGUS", "TYPE"))
			}
		}
	}
	return args
}
