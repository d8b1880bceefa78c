package difftest

func init() {
	register(&Family{
		Name: "pubsub",
		Commands: []Command{
			{Name: "PUBLISH", Weight: 2, Make: func(g *G) []string {
				return []string{g.Pick("PUBLISH", "SPUBLISH"), g.Channel(), g.Value()}
			}},
			{Name: "PUBSUB", Weight: 3, Make: genPubsub},
			// Each subscribing command names one channel, so that it has
			// one reply, as the runner expects; and nobody publishes to
			// this connection's channels, whose messages would come
			// between the replies.
			{Name: "SUBSCRIBE", Weight: 3, Seq: genSubscribe},
			{Name: "UNSUBSCRIBE", Weight: 1, Fixed: true, Make: func(g *G) []string {
				args := []string{g.Pick("UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE")}
				if g.Percent(50) {
					args = append(args, g.Channel())
				}
				return args
			}},
		},
	})
}

// Channel returns a channel name (or a pattern, for PSUBSCRIBE) from a
// small space.
func (g *G) Channel() string {
	return g.Pick("ch1", "ch2", "news.a", "news.b", "news.*", "", "ch\x00")
}

// genPubsub makes PUBSUB's subcommands, valid and not.
func genPubsub(g *G) []string {
	switch g.Intn(7) {
	case 0:
		args := []string{"PUBSUB", g.Case("CHANNELS")}
		if g.Percent(60) {
			args = append(args, g.Pick("*", "ch*", "news.*", "x", "[", ""))
		}
		return args
	case 1:
		return append([]string{"PUBSUB", g.Case("NUMSUB")}, g.chans(0, 3)...)
	case 2:
		return []string{"PUBSUB", g.Case("NUMPAT")}
	case 3:
		args := []string{"PUBSUB", g.Case("SHARDCHANNELS")}
		if g.Percent(50) {
			args = append(args, g.Pick("*", "ch*"))
		}
		return args
	case 4:
		return append([]string{"PUBSUB", g.Case("SHARDNUMSUB")}, g.chans(0, 2)...)
	case 5:
		return []string{"PUBSUB", g.Pick("BOGUS", "")}
	default:
		return []string{"PUBSUB", g.Case("NUMPAT"), "extra"}
	}
}

func (g *G) chans(lo, hi int) []string {
	out := make([]string, g.Between(lo, hi))
	for i := range out {
		out[i] = g.Channel()
	}
	return out
}

// genSubscribe subscribes to one channel, pattern or shard channel,
// asks what a subscribed connection may (PING, PUBSUB, a second
// subscription to the same name) or may not do, and unsubscribes.
func genSubscribe(g *G, other func(bool) []string) [][]string {
	kind := g.Intn(3)
	sub := []string{"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"}[kind]
	unsub := []string{"UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"}[kind]
	ch := g.Channel()
	seq := [][]string{{sub, ch}}
	for range g.Between(0, 3) {
		switch g.Intn(6) {
		case 0:
			seq = append(seq, []string{"PING"})
		case 1:
			seq = append(seq, []string{"PING", g.Value()})
		case 2:
			seq = append(seq, []string{sub, ch})
		case 3:
			seq = append(seq, []string{"PUBSUB", "NUMSUB", ch})
		case 4:
			seq = append(seq, []string{"PUBSUB", "NUMPAT"})
		default:
			// Not allowed while subscribed, in RESP2.
			args := other(true)
			if is(args, "PUBLISH") || is(args, "SPUBLISH") {
				args = []string{"GET", "k0"}
			}
			seq = append(seq, args)
		}
	}
	if g.Percent(50) {
		return append(seq, []string{unsub})
	}
	return append(seq, []string{unsub, ch})
}
