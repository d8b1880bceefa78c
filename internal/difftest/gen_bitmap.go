package difftest

import "strconv"

func init() {
	register(&Family{
		Name: "bitmap",
		Commands: []Command{
			{Name: "SETBIT", Weight: 6, Make: func(g *G) []string {
				return []string{"SETBIT", g.Key(), g.BitOffset(), g.Pick("0", "1", "1", "2", "-1", "abc", "")}
			}},
			{Name: "GETBIT", Weight: 3, Make: func(g *G) []string { return []string{"GETBIT", g.Key(), g.BitOffset()} }},
			{Name: "BITCOUNT", Weight: 3, Make: func(g *G) []string {
				args := []string{"BITCOUNT", g.Key()}
				if g.Percent(60) {
					args = append(args, g.Int(), g.Int())
					if g.Percent(40) {
						args = append(args, g.Case(g.Pick("BYTE", "BIT", "BIT", "BOGUS")))
					}
				}
				return args
			}},
			{Name: "BITPOS", Weight: 3, Make: func(g *G) []string {
				args := []string{"BITPOS", g.Key(), g.Pick("0", "1", "1", "2", "-1", "abc")}
				if g.Percent(60) {
					args = append(args, g.Int())
					if g.Percent(60) {
						args = append(args, g.Int())
						if g.Percent(40) {
							args = append(args, g.Case(g.Pick("BYTE", "BIT", "BIT", "BOGUS")))
						}
					}
				}
				return args
			}},
			{Name: "BITOP", Weight: 3, Make: func(g *G) []string {
				op := g.Case(g.Pick("AND", "OR", "XOR", "NOT", "NOT", "BOGUS"))
				args := []string{"BITOP", op, g.Key()}
				if g.Percent(80) && (op == "NOT" || op == "not") {
					return append(args, g.Key())
				}
				return append(args, g.KeyList(1, 3)...)
			}},
			{Name: "BITFIELD", Weight: 4, Make: genBitfield},
		},
	})
}

// BitOffset returns a bit offset: mostly within the first few hundred
// bytes, sometimes negative, beyond 2^32 bits or not a number. It is
// never big enough to make a server allocate much.
func (g *G) BitOffset() string {
	switch n := g.r.IntN(100); {
	case n < 85:
		return strconv.Itoa(g.r.IntN(300))
	case n < 90:
		return strconv.Itoa(g.r.IntN(5000))
	default:
		return g.Pick("-1", "4294967296", "9223372036854775807", "abc", "1.5", "", "+1")
	}
}

// genBitfield makes BITFIELD (or BITFIELD_RO) with a few GET, SET,
// INCRBY and OVERFLOW operations over signed and unsigned types,
// plain and #-scaled offsets, and invalid ones of each.
func genBitfield(g *G) []string {
	ro := g.Percent(20)
	args := []string{"BITFIELD", g.Key()}
	if ro {
		args[0] = "BITFIELD_RO"
	}
	typ := func() string {
		if g.Percent(10) {
			return g.Pick("u64", "i65", "i0", "u0", "x8", "", "I8", "U8", "i")
		}
		if g.Percent(50) {
			return "i" + strconv.Itoa(g.Between(1, 64))
		}
		return "u" + strconv.Itoa(g.Between(1, 63))
	}
	offset := func() string {
		switch g.Intn(10) {
		case 0:
			return "#" + strconv.Itoa(g.Between(0, 20))
		case 1:
			return g.Pick("-1", "#-1", "abc", "#", "4294967296", "")
		}
		return strconv.Itoa(g.r.IntN(200))
	}
	for range g.Between(1, 3) {
		switch g.Intn(10) {
		case 0, 1, 2, 3:
			args = append(args, g.Case("GET"), typ(), offset())
		case 4, 5:
			args = append(args, g.Case("SET"), typ(), offset(), g.Int())
		case 6, 7:
			args = append(args, g.Case("INCRBY"), typ(), offset(), g.Int())
		case 8:
			args = append(args, g.Case("OVERFLOW"), g.Case(g.Pick("WRAP", "SAT", "FAIL", "BOGUS")))
		default:
			args = append(args, g.Pick("BOGUS", "GET", "SET"))
		}
	}
	return args
}
