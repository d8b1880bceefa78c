package engine

import "strings"

// Flag describes how a command behaves; Exec and COMMAND read them.
type Flag uint32

// Command flags, named as Redis names them in COMMAND's reply.
const (
	Write    Flag = 1 << iota // changes data: takes the write lock and is journaled
	ReadOnly                  // reads only: takes the read lock
	Admin                     // administrative (SAVE, FLUSHALL, ...)
	Fast                      // O(1) or O(log n)
	DenyOOM                   // may add memory
	Loading                   // allowed while loading a snapshot
	Stale                     // allowed on a stale replica
	NoScript                  // not allowed in scripts
	Blocking                  // may block the client
	PubSub                    // pub/sub related
	NoAuth                    // allowed before AUTH when a password is set
)

var flagNames = []struct {
	f    Flag
	name string
}{
	{Write, "write"}, {ReadOnly, "readonly"}, {DenyOOM, "denyoom"}, {Admin, "admin"},
	{PubSub, "pubsub"}, {NoScript, "noscript"}, {Blocking, "blocking"},
	{Loading, "loading"}, {Stale, "stale"}, {Fast, "fast"}, {NoAuth, "no_auth"},
}

// Names returns the flags as Redis spells them, in COMMAND's order.
func (f Flag) Names() []string {
	var out []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// Keys says which arguments are key names, as Redis's first/last/step: the
// first key's position, the last's (-1: the last argument, -2: the one
// before it), and the distance between keys. Zero means no keys.
type Keys struct {
	First, Last, Step int
}

// Handler runs one command against db. args[0] is the command name.
type Handler func(db *DB, args [][]byte) (Reply, error)

// Command is one row of the command table: everything PhotonDB knows about
// a command, stated once.
type Command struct {
	Name    string // upper case
	Group   string // string, list, hash, keyspace, server, connection
	Arity   int    // argument count including the name; negative: at least -Arity
	Flags   Flag
	Keys    Keys
	Args    string // usage after the name, as in Redis's docs: "key value [EX seconds]"
	Summary string // Redis 7.0's summary, verbatim, as COMMAND DOCS answers it
	Since   string // the Redis version that introduced it
	Run     Handler

	// Subcommands, for a container such as CLIENT, are the subcommands
	// Exec accepts after the name; it answers an unknown one and a wrong
	// argument count itself, as Redis does, before the handler runs.
	Subcommands []*Subcommand

	call uint16 // index in callNames, what CLIENT LIST shows as cmd=

	meta *commandMeta // what COMMAND INFO and DOCS say beyond the row

	// switchesProto is set for HELLO and RESET, which may change the
	// protocol the replies after theirs are encoded in.
	switchesProto bool
	// holds is set for the commands after which a client listens for
	// pushes (see Holds).
	holds bool
}

// Subcommand is one subcommand of a container command, such as CLIENT
// LIST. Redis gives each its own arity and flags.
type Subcommand struct {
	Name  string // upper case
	Arity int    // as Command.Arity, counting the command's name and the subcommand's
	Flags Flag   // Admin keeps it out of MONITOR's feed, as Redis does

	call uint16       // index in callNames: "client|list"
	meta *commandMeta // what COMMAND INFO and DOCS say beyond the row
}

// ArityOK reports whether n arguments (counting both names) fit the arity.
func (c *Subcommand) ArityOK(n int) bool {
	if c.Arity >= 0 {
		return n == c.Arity
	}
	return n >= -c.Arity
}

// subcommand returns the subcommand named name, in any case, or nil.
func (c *Command) subcommand(name []byte) *Subcommand {
	for _, s := range c.Subcommands {
		if equalFold(name, s.Name) {
			return s
		}
	}
	return nil
}

// ArityOK reports whether n arguments (counting the name) fit the arity.
func (c *Command) ArityOK(n int) bool {
	if c.Arity >= 0 {
		return n == c.Arity
	}
	return n >= -c.Arity
}

// KeyArgs returns the positions of the key arguments in a call with n
// arguments.
func (c *Command) KeyArgs(n int) []int {
	if c.Keys.First == 0 || n <= c.Keys.First {
		return nil
	}
	last := c.Keys.Last
	if last < 0 {
		last = n + last
	}
	last = min(last, n-1)
	var out []int
	for i := c.Keys.First; i <= last; i += max(c.Keys.Step, 1) {
		out = append(out, i)
	}
	return out
}

// Commands returns the command table, sorted by group and name. The
// slice is the caller's; the commands are shared and must not be changed.
func Commands() []*Command { return commandTable }

// Lookup finds a command by name, in any case, or returns nil.
func Lookup(name string) *Command { return commandIndex[strings.ToLower(name)] }

var commandTable []*Command

var commandIndex map[string]*Command

// callNames are the names CLIENT LIST shows for a client's last command,
// "get" or "client|list", indexed by Command.call and Subcommand.call;
// index 0 is "NULL", for no command or an unknown one. Sessions record
// the index, so that recording it allocates nothing.
var callNames = []string{"NULL"}

// init builds the table here rather than in a variable initializer
// because COMMAND's handler reads the table it sits in.
func init() {
	commandTable = commands()
	commandIndex = make(map[string]*Command, len(commandTable))
	defer func() {
		execCommand = commandIndex["exec"]
		commandIndex["hello"].switchesProto = true
		commandIndex["reset"].switchesProto = true
		for _, name := range []string{"subscribe", "psubscribe", "ssubscribe", "monitor"} {
			commandIndex[name].holds = true
		}
	}()
	for _, c := range commandTable {
		name := strings.ToLower(c.Name)
		commandIndex[name] = c
		c.call = uint16(len(callNames))
		callNames = append(callNames, name)
		if c.meta = redisCommands[name]; c.meta == nil {
			c.meta = metaFromRow(c.Group, c.Flags, c.Keys, c.Args)
		}
		for _, s := range c.Subcommands {
			full := name + "|" + strings.ToLower(s.Name)
			s.call = uint16(len(callNames))
			callNames = append(callNames, full)
			if s.meta = redisCommands[full]; s.meta == nil {
				s.meta = metaFromRow(c.Group, c.Flags|s.Flags, Keys{}, "")
			}
		}
	}
}

// Holds reports whether a command may hold its client: keep it waiting
// (a blocking command, BLPOP) or have it listen for pushes (SUBSCRIBE,
// PSUBSCRIBE, SSUBSCRIBE, MONITOR). A server that serves many clients on
// one thread gives such a client a thread of its own before the command
// runs. args[0] is the command's name, in any case.
func Holds(args [][]byte) bool {
	if len(args) == 0 {
		return false
	}
	c := lookupBytes(args[0])
	return c != nil && (c.holds || c.Flags&Blocking != 0)
}

// lookupBytes finds a command without allocating for names up to 32 bytes.
func lookupBytes(name []byte) *Command {
	var buf [32]byte
	if len(name) > len(buf) {
		return commandIndex[strings.ToLower(string(name))]
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return commandIndex[string(buf[:len(name)])]
}
