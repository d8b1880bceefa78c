package difftest

import (
	"strconv"
	"strings"
)

// driver draws commands from the registered generators by weight, and
// mutates some: the name in another case, an argument dropped or added.
type driver struct {
	g     *G
	cmds  []Command
	homes [][]string // the home keys of each command's family
	total int
	queue [][]string      // the rest of a sequence being sent
	rules map[string]Rule // every family's rules, to tell exact commands
}

func newDriver(seed uint64, fams []*Family) *driver {
	d := &driver{g: NewG(seed), rules: map[string]Rule{}}
	homes := homeKeys(families)
	for _, f := range fams {
		home := homes[f.Name]
		for _, c := range f.Commands {
			d.cmds = append(d.cmds, c)
			d.homes = append(d.homes, home)
			d.total += c.Weight
		}
	}
	for _, f := range families {
		for name, rule := range f.Rules {
			d.rules[name] = rule
		}
	}
	for _, name := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
		d.rules[name] = Rule{} // compared within the runner's slack
	}
	return d
}

// next returns the next command, never one the known list skips.
func (d *driver) next() []string {
	if len(d.queue) > 0 {
		args := d.queue[0]
		d.queue = d.queue[1:]
		return args
	}
	for {
		c := d.pick()
		if c.Seq != nil {
			d.queue = d.sequence(c)
			if len(d.queue) > 0 {
				return d.next()
			}
			continue
		}
		args := d.mutate(c)
		if knownSkip(args) == "" {
			if r := readAfter(d.g, args, false); r != nil {
				d.queue = append(d.queue, r)
			}
			return args
		}
	}
}

// pastExpiryReads are the reads readAfter chooses from: each looks its
// key up, and none depends on the order of a table.
var pastExpiryReads = []string{"GET", "MGET", "EXISTS", "TOUCH", "TYPE", "STRLEN", "LLEN", "HLEN", "SCARD", "ZCARD"}

// ttlReads are reads readAfter also chooses from outside sequences, where
// their replies are compared within the runner's slack (inside MULTI the
// EXEC reply is compared exactly, and a TTL set in the same SET may be
// in the future: the last of repeated options wins).
var ttlReads = []string{"TTL", "PTTL"}

// readAfter returns a read of the key that args stores, when args is a
// SET with an expiry already past, else nil; inSeq when args is part of a
// sequence. Such a SET leaves the key stored, expired, as Redis 7.0 does;
// either server's active expiry may delete it at any moment, so that
// until something reads it DBSIZE would depend on timing. Reading it at
// once deletes it on both, and tests how reads treat an expired key.
func readAfter(g *G, args []string, inSeq bool) []string {
	if !is(args, "SET") || len(args) < 5 {
		return nil
	}
	reads := pastExpiryReads
	if !inSeq {
		reads = append(reads[:len(reads):len(reads)], ttlReads...)
	}
	for i := 3; i+1 < len(args); i++ {
		n, err := strconv.ParseInt(args[i+1], 10, 64)
		past := err == nil && n > 0 && (strings.EqualFold(args[i], "EXAT") && n < 4e9 || strings.EqualFold(args[i], "PXAT") && n < 4e12)
		if past {
			return []string{g.Pick(reads...), args[1]}
		}
	}
	return nil
}

// pending reports whether a sequence is under way, which the run must
// finish before it compares the datasets.
func (d *driver) pending() bool { return len(d.queue) > 0 }

// sequence makes the commands of a sequence, leaving out those the known
// list skips, with the name of each sometimes in mixed case.
func (d *driver) sequence(c Command) [][]string {
	home := d.g.home
	other := func(exact bool) []string {
		for {
			oc := d.pick()
			if oc.Seq != nil || oc.Fixed {
				continue
			}
			args := d.mutate(oc)
			if knownSkip(args) != "" || knownInSeq(args) != "" || exact && d.hasRule(args) {
				continue
			}
			d.g.home = home
			return args
		}
	}
	var out [][]string
	for _, args := range c.Seq(d.g, other) {
		if knownSkip(args) != "" {
			continue
		}
		if d.g.Percent(3) {
			args[0] = mixedCase(d.g, args[0])
		}
		out = append(out, args)
		if r := readAfter(d.g, args, true); r != nil {
			out = append(out, r) // inside MULTI too: EXEC runs it right after the SET
		}
	}
	return out
}

// hasRule reports whether a family compares args's replies by a rule
// rather than exactly.
func (d *driver) hasRule(args []string) bool {
	name := strings.ToUpper(args[0])
	if _, ok := d.rules[name]; ok {
		return true
	}
	if len(args) > 1 {
		_, ok := d.rules[name+"|"+strings.ToUpper(args[1])]
		return ok
	}
	return false
}

func (d *driver) pick() Command {
	n := d.g.Intn(d.total)
	for i, c := range d.cmds {
		if n < c.Weight {
			d.g.home = d.homes[i]
			return c
		}
		n -= c.Weight
	}
	panic("unreachable")
}

// mutate makes the command's arguments and sometimes changes them in
// ways every command must handle: the name in mixed case, one argument
// too few, one too many.
func (d *driver) mutate(c Command) []string {
	g := d.g
	args := c.Make(g)
	if c.Fixed {
		return args
	}
	if g.Percent(5) {
		args[0] = mixedCase(g, args[0])
	}
	switch {
	case g.Percent(2) && len(args) > 1:
		i := g.Between(1, len(args)-1)
		args = append(args[:i:i], args[i+1:]...)
	case g.Percent(2):
		extra := g.Pick(g.Value(), g.Int(), "NX", "XX", "GET", "EX", "WITHSCORES", "COUNT")
		switch {
		case timeUnit(args[len(args)-1]):
			extra = "NX" // not a number: a short TTL would depend on the clock
		case len(args) == 2 && (is(args, "SRANDMEMBER") || is(args, "ZRANDMEMBER") || is(args, "HRANDFIELD")):
			// It becomes the count: a huge negative one keeps both
			// servers drawing members for ages (seed 77).
			extra = g.RandCount()
		}
		args = append(args, extra)
	}
	return args
}

// mixedCase returns name with some letters in the other case.
func mixedCase(g *G, name string) string {
	b := []byte(strings.ToLower(name))
	for i, c := range b {
		if 'a' <= c && c <= 'z' && g.Percent(50) {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// timeUnit reports whether arg is an option that takes a time.
func timeUnit(arg string) bool {
	for _, u := range []string{"EX", "PX", "EXAT", "PXAT"} {
		if strings.EqualFold(arg, u) {
			return true
		}
	}
	return false
}
