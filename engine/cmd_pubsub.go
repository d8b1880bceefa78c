package engine

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// pubsubCommands are the pubsub group's rows of the command table.
func pubsubCommands() []*Command {
	const f = PubSub | NoScript | Loading | Stale
	return []*Command{
		{Name: "PSUBSCRIBE", Group: "pubsub", Arity: -2, Flags: f,
			Args: "pattern [pattern ...]", Summary: "Listen for messages published to channels matching the given patterns", Since: "2.0.0", Run: cmdPsubscribe},
		{Name: "PUBLISH", Group: "pubsub", Arity: 3, Flags: PubSub | Loading | Stale | Fast,
			Args: "channel message", Summary: "Post a message to a channel", Since: "2.0.0", Run: cmdPublish},
		{Name: "PUBSUB", Group: "pubsub", Arity: -2,
			Args:    "CHANNELS [pattern]|NUMSUB [channel ...]|NUMPAT|SHARDCHANNELS [pattern]|SHARDNUMSUB [shardchannel ...]|HELP",
			Summary: "A container for Pub/Sub commands", Since: "2.8.0", Run: cmdPubsub,
			Subcommands: []*Subcommand{
				{Name: "CHANNELS", Arity: -2, Flags: PubSub | Loading | Stale},
				{Name: "HELP", Arity: 2, Flags: Loading | Stale},
				{Name: "NUMPAT", Arity: 2, Flags: PubSub | Loading | Stale},
				{Name: "NUMSUB", Arity: -2, Flags: PubSub | Loading | Stale},
				{Name: "SHARDCHANNELS", Arity: -2, Flags: PubSub | Loading | Stale},
				{Name: "SHARDNUMSUB", Arity: -2, Flags: PubSub | Loading | Stale},
			}},
		{Name: "PUNSUBSCRIBE", Group: "pubsub", Arity: -1, Flags: f,
			Args: "[pattern [pattern ...]]", Summary: "Stop listening for messages posted to channels matching the given patterns", Since: "2.0.0", Run: cmdPunsubscribe},
		{Name: "SPUBLISH", Group: "pubsub", Arity: 3, Flags: PubSub | Loading | Stale | Fast, Keys: Keys{1, 1, 1},
			Args: "shardchannel message", Summary: "Post a message to a shard channel", Since: "7.0.0", Run: cmdSpublish},
		{Name: "SSUBSCRIBE", Group: "pubsub", Arity: -2, Flags: f, Keys: Keys{1, -1, 1},
			Args: "shardchannel [shardchannel ...]", Summary: "Listen for messages published to the given shard channels", Since: "7.0.0", Run: cmdSsubscribe},
		{Name: "SUBSCRIBE", Group: "pubsub", Arity: -2, Flags: f,
			Args: "channel [channel ...]", Summary: "Listen for messages published to the given channels", Since: "2.0.0", Run: cmdSubscribe},
		{Name: "UNSUBSCRIBE", Group: "pubsub", Arity: -1, Flags: f,
			Args: "[channel [channel ...]]", Summary: "Stop listening for messages posted to the given channels", Since: "2.0.0", Run: cmdUnsubscribe},
		{Name: "SUNSUBSCRIBE", Group: "pubsub", Arity: -1, Flags: f, Keys: Keys{1, -1, 1},
			Args: "[shardchannel [shardchannel ...]]", Summary: "Stop listening for messages posted to the given shard channels", Since: "7.0.0", Run: cmdSunsubscribe},
	}
}

// Publish and subscribe. A subscribed session receives messages through
// ConnInfo.Push, as Redis delivers them: to the channel's subscribers in
// the order they subscribed, then to each matching pattern's. Each kind of
// subscription (channels, patterns, shard channels) is a separate
// namespace of the hub. A RESP2 client with any subscription may only
// subscribe, unsubscribe, PING, QUIT and RESET.

// hub is one namespace of subscriptions: names to their subscribers.
type hub struct {
	subs map[string][]subscriber
}

type subscriber struct {
	s    *Session
	push func(Reply)
}

// pubsub holds every subscription; its lock is taken inside the engine's.
type pubsub struct {
	mu       sync.Mutex
	channels hub
	patterns hub
	shards   hub
}

// subscriptions are what one session listens to, in each namespace, in
// the order it subscribed.
type subscriptions struct {
	channels, patterns, shards []string
	n                          atomic.Int32 // their total, read by PushMode
}

// kinds of subscription, for the replies' first element.
type subKind struct {
	sub, unsub, message string
	hub                 func(*pubsub) *hub
	list                func(*subscriptions) *[]string
}

var (
	channelKind = subKind{"subscribe", "unsubscribe", "message",
		func(p *pubsub) *hub { return &p.channels }, func(s *subscriptions) *[]string { return &s.channels }}
	patternKind = subKind{"psubscribe", "punsubscribe", "pmessage",
		func(p *pubsub) *hub { return &p.patterns }, func(s *subscriptions) *[]string { return &s.patterns }}
	shardKind = subKind{"ssubscribe", "sunsubscribe", "smessage",
		func(p *pubsub) *hub { return &p.shards }, func(s *subscriptions) *[]string { return &s.shards }}
)

func cmdSubscribe(db *DB, args [][]byte) (Reply, error) {
	return db.subscribe(channelKind, args[1:]), nil
}
func cmdPsubscribe(db *DB, args [][]byte) (Reply, error) {
	return db.subscribe(patternKind, args[1:]), nil
}
func cmdSsubscribe(db *DB, args [][]byte) (Reply, error) {
	return db.subscribe(shardKind, args[1:]), nil
}

func cmdUnsubscribe(db *DB, args [][]byte) (Reply, error) {
	return db.unsubscribe(channelKind, args[1:]), nil
}

func cmdPunsubscribe(db *DB, args [][]byte) (Reply, error) {
	return db.unsubscribe(patternKind, args[1:]), nil
}

func cmdSunsubscribe(db *DB, args [][]byte) (Reply, error) {
	return db.unsubscribe(shardKind, args[1:]), nil
}

// count is what a subscription reply reports: for shard channels their
// number, for the others channels and patterns together, as Redis counts.
func (k subKind) count(s *Session) int64 {
	if k.message == "smessage" {
		return int64(len(s.subs.shards))
	}
	return int64(len(s.subs.channels) + len(s.subs.patterns))
}

// subscribe adds names to what the session listens to, answering for
// each in turn.
func (db *DB) subscribe(k subKind, names [][]byte) Reply {
	s, p := db.sess, &db.eng.pubsub
	s.mu.Lock()
	push := s.conn.Push
	s.mu.Unlock()
	out := make(Replies, 0, len(names))
	p.mu.Lock()
	defer p.mu.Unlock()
	list, h := k.list(&s.subs), k.hub(p)
	for _, n := range names {
		name := string(n)
		if !slices.Contains(*list, name) {
			*list = append(*list, name)
			if h.subs == nil {
				h.subs = make(map[string][]subscriber)
			}
			h.subs[name] = append(h.subs[name], subscriber{s: s, push: push})
			s.subs.n.Add(1)
		}
		out = append(out, Push{[]byte(k.sub), []byte(name), k.count(s)})
	}
	return out
}

// unsubscribe removes names, or every subscription of the kind when there
// are none, answering for each.
func (db *DB) unsubscribe(k subKind, names [][]byte) Reply {
	s, p := db.sess, &db.eng.pubsub
	p.mu.Lock()
	defer p.mu.Unlock()
	list := k.list(&s.subs)
	if len(names) == 0 {
		if len(*list) == 0 {
			return Push{[]byte(k.unsub), nil, k.count(s)}
		}
		for _, n := range *list {
			names = append(names, []byte(n))
		}
	}
	out := make(Replies, 0, len(names))
	for _, n := range names {
		p.remove(k, s, string(n))
		out = append(out, Push{[]byte(k.unsub), []byte(n), k.count(s)})
	}
	return out
}

// remove ends s's subscription to name, if it has one. p.mu is held.
func (p *pubsub) remove(k subKind, s *Session, name string) {
	list := k.list(&s.subs)
	i := slices.Index(*list, name)
	if i < 0 {
		return
	}
	*list = slices.Delete(*list, i, i+1)
	s.subs.n.Add(-1)
	h := k.hub(p)
	subs := slices.DeleteFunc(h.subs[name], func(x subscriber) bool { return x.s == s })
	if len(subs) == 0 {
		delete(h.subs, name)
	} else {
		h.subs[name] = subs
	}
}

// unsubscribeAll ends every subscription of s, without replies (RESET,
// Close).
func (e *Engine) unsubscribeAll(s *Session) {
	if s.subs.n.Load() == 0 {
		return
	}
	p := &e.pubsub
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range []subKind{channelKind, patternKind, shardKind} {
		for _, n := range slices.Clone(*k.list(&s.subs)) {
			p.remove(k, s, n)
		}
	}
}

func cmdPublish(db *DB, args [][]byte) (Reply, error) {
	return db.eng.publish(channelKind, args[1], args[2]), nil
}

func cmdSpublish(db *DB, args [][]byte) (Reply, error) {
	return db.eng.publish(shardKind, args[1], args[2]), nil
}

// publish delivers a message and returns how many subscribers got it.
func (e *Engine) publish(k subKind, channel, message []byte) int64 {
	p := &e.pubsub
	p.mu.Lock()
	defer p.mu.Unlock()
	h := k.hub(p)
	subs, pats := h.subs[string(channel)], len(p.patterns.subs) > 0 && k.message == "message"
	if len(subs) == 0 && !pats {
		return 0
	}
	ch, msg := clone(channel), clone(message)
	var n int64
	for _, sub := range subs {
		if sub.push != nil {
			sub.push(Push{[]byte(k.message), ch, msg})
		}
		n++
	}
	if pats {
		for pat, subs := range p.patterns.subs {
			if !matchGlob([]byte(pat), channel, false) {
				continue
			}
			for _, sub := range subs {
				if sub.push != nil {
					sub.push(Push{[]byte("pmessage"), []byte(pat), ch, msg})
				}
				n++
			}
		}
	}
	return n
}

func cmdPubsub(db *DB, args [][]byte) (Reply, error) {
	p := &db.eng.pubsub
	p.mu.Lock()
	defer p.mu.Unlock()
	sub := args[1]
	switch {
	case equalFold(sub, "CHANNELS") || equalFold(sub, "SHARDCHANNELS"):
		if len(args) > 3 {
			return nil, errf(oneLine("unknown subcommand or wrong number of arguments for '" + trunc(sub, 128) + "'. Try PUBSUB HELP."))
		}
		h := &p.channels
		if equalFold(sub, "SHARDCHANNELS") {
			h = &p.shards
		}
		out := Bulks{}
		for name := range h.subs {
			if len(args) == 2 || matchGlob(args[2], []byte(name), false) {
				out = append(out, []byte(name))
			}
		}
		sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
		return out, nil
	case equalFold(sub, "NUMSUB") || equalFold(sub, "SHARDNUMSUB"):
		h := &p.channels
		if equalFold(sub, "SHARDNUMSUB") {
			h = &p.shards
		}
		out := make([]Reply, 0, 2*(len(args)-2))
		for _, name := range args[2:] {
			out = append(out, clone(name), int64(len(h.subs[string(name)])))
		}
		return out, nil
	case equalFold(sub, "NUMPAT"):
		return int64(len(p.patterns.subs)), nil
	}
	return helpReply("PUBSUB",
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	), nil
}

// subscribedOnly is the error a RESP2 client with subscriptions gets for
// a command it may not send in that state.
func subscribedOnly(name string) *Error {
	return errf("Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
}

// allowedSubscribed reports whether a RESP2 client with subscriptions may
// run cmd.
func allowedSubscribed(cmd *Command) bool {
	switch cmd.Name {
	case "PING", "SUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "SUNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE", "QUIT", "RESET":
		return true
	}
	return false
}
