package difftest

import (
	"strings"
)

// driver draws commands from the registered generators by weight, and
// mutates some: the name in another case, an argument dropped or added.
type driver struct {
	g     *G
	cmds  []Command
	homes [][]string // the home keys of each command's family
	total int
}

func newDriver(seed uint64, fams []*Family) *driver {
	d := &driver{g: NewG(seed)}
	homes := homeKeys(families)
	for _, f := range fams {
		home := homes[f.Name]
		for _, c := range f.Commands {
			d.cmds = append(d.cmds, c)
			d.homes = append(d.homes, home)
			d.total += c.Weight
		}
	}
	return d
}

// next returns the next command, never one the known list skips.
func (d *driver) next() []string {
	for {
		args := d.mutate(d.pick())
		if knownSkip(args) == "" {
			return args
		}
	}
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
		if timeUnit(args[len(args)-1]) {
			extra = "NX" // not a number: a short TTL would depend on the clock
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
