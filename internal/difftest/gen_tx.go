package difftest

func init() {
	register(&Family{
		Name: "tx",
		Commands: []Command{
			{Name: "MULTI", Weight: 4, Seq: genTransaction},
			{Name: "WATCH", Weight: 6, Seq: genWatch},
			{Name: "EXEC", Weight: 1, Seq: func(g *G, _ func(bool) []string) [][]string {
				// Out of place: each is an error or does nothing.
				return [][]string{{g.Pick("EXEC", "DISCARD", "UNWATCH")}}
			}},
		},
	})
}

// genTransaction makes MULTI, a few commands of other families, and
// EXEC or DISCARD; sometimes with a nested MULTI, a WATCH inside, or a
// command that is refused while queueing (which aborts EXEC).
func genTransaction(g *G, other func(bool) []string) [][]string {
	seq := [][]string{{"MULTI"}}
	for range g.Between(0, 4) {
		switch g.Intn(20) {
		case 0:
			seq = append(seq, []string{g.Pick("MULTI", "WATCH", "UNWATCH")})
		case 1:
			seq = append(seq, []string{"WATCH", g.Key()})
		default:
			seq = append(seq, other(true))
		}
	}
	if g.Percent(10) {
		return append(seq, []string{"DISCARD"})
	}
	return append(seq, []string{"EXEC"})
}

// genWatch makes WATCH of a few keys, commands of other families that
// may change them (or only read them), and a transaction whose EXEC
// tells whether the servers saw the same keys change; sometimes UNWATCH
// first, which forgets them.
func genWatch(g *G, other func(bool) []string) [][]string {
	watch := append([]string{"WATCH"}, g.KeyList(1, 4)...)
	seq := [][]string{watch}
	for range g.Between(0, 3) {
		seq = append(seq, other(false))
	}
	if g.Percent(10) {
		seq = append(seq, []string{"UNWATCH"})
		seq = append(seq, other(false))
	}
	seq = append(seq, []string{"MULTI"})
	for range g.Between(0, 2) {
		seq = append(seq, other(true))
	}
	return append(seq, []string{g.Pick("EXEC", "EXEC", "EXEC", "EXEC", "DISCARD")})
}
