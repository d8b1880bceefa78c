package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
)

// Container, CONFIG, HELLO and transaction scenarios, each on fresh
// connections: "A: CMD" sends a command on connection A and compares the
// replies exactly; "A? CMD" compares an error exactly but of any other
// reply only its kind (HELLO's map holds the client id). "\x00" in an
// argument is a NUL byte, ␣ a space, and ∅ alone an empty argument. A
// connection opens at its first line.
var connectionScenarios = []struct {
	name  string
	lines []string
}{
	{"help texts", []string{
		"A: CONFIG HELP", "A: CLIENT HELP", "A: COMMAND HELP", "A: OBJECT HELP", "A: MEMORY HELP",
		"A: SLOWLOG HELP", "A: PUBSUB HELP",
	}},
	{"subcommand arity", []string{
		"A: COMMAND HELP get", "A: COMMAND COUNT x", "A: COMMAND BOGUS", "A: CONFIG", "A: CONFIG HELP x",
		"A: CONFIG GET", "A: CONFIG SET x", "A: CONFIG SET x y z", "A: CONFIG RESETSTAT x", "A: config bogus",
		"A: CLIENT HELP x", "A: CLIENT ID x", "A: CLIENT GETNAME x", "A: CLIENT SETNAME", "A: CLIENT KILL",
		"A: CLIENT UNBLOCK", "A: CLIENT NO-EVICT", "A: OBJECT HELP x", "A: OBJECT ENCODING", "A: OBJECT FREQ k x",
		"A: MEMORY HELP x", "A: MEMORY USAGE", "A: MEMORY STATS x", "A: SLOWLOG HELP x", "A: SLOWLOG LEN x",
		"A: SLOWLOG RESET x", "A: PUBSUB HELP x", "A: PUBSUB NUMPAT x",
	}},
	{"config set is all or nothing", []string{
		"A: CONFIG SET slowlog-max-len 10 slowlog-log-slower-than",
		"A: CONFIG SET slowlog-max-len 0 maxmemory-policy bogus", "A: CONFIG GET slowlog-max-len",
		"A: CONFIG SET slowlog-max-len 0 nosuch 1", "A: CONFIG GET slowlog-max-len",
		"A: CONFIG SET databases 3 nosuch 1", "A: CONFIG SET nosuch 3 databases 1",
		"A: CONFIG SET slowlog-max-len 1 SLOWLOG-MAX-LEN 2", "A: CONFIG SET SLOWLOG-MAX-LEN abc",
		"A: CONFIG SET slowlog-max-len 7 slowlog-log-slower-than 20000", "A: CONFIG GET slowlog-*",
		"A: CONFIG SET slowlog-max-len 128 slowlog-log-slower-than 10000",
	}},
	{"config get names", []string{
		"A: CONFIG GET SLOWLOG-MAX-LEN", "A: CONFIG GET slowlog-max-len SLOWLOG-MAX-LEN",
		"A: CONFIG GET SLOWLOG-MAX-LEN slowlog-max-*", "A: CONFIG GET SLOWLOG-MAX-*", "A: CONFIG GET Databases nosuch",
		"A: CONFIG GET slowlog-max-len\x00*", "A: CONFIG GET slowlog-max*\x00x",
	}},
	{"quoted arguments end at a NUL", []string{
		"A: nosuch a\x00b c", "A: no\x00such x", "A: CLIENT \x00", "A: CLIENT a\x00b", "A: OBJECT \x00x",
		"A: MEMORY a\x00", "A: PUBSUB a\x00", "A: SLOWLOG a\x00", "A: CONFIG a\x00b",
		"A: CONFIG SET slow\x00 1", "A: HELLO 3 BO\x00GUS", "A: CLIENT LIST TYPE bad\x00x",
		"A: CLIENT KILL USER default\x00x", "A: CLIENT KILL TYPE bad\x00 SKIPME yes",
	}},
	{"hello acts on options in turn", []string{
		"A: HELLO 3 AUTH nosuch pw BOGUS", "A: HELLO 2 SETNAME a␣b SETNAME ok", "A: CLIENT GETNAME",
		"A: HELLO 2 SETNAME first BOGUS", "A: CLIENT GETNAME", "A: HELLO 2 SETNAME x AUTH nosuch pw",
		"A: CLIENT GETNAME", "A: HELLO 2 SETNAME", "A? HELLO 2 setname\x00 abc", "A: CLIENT GETNAME",
		"A? HELLO 2 SETNAME a SETNAME b", "A: CLIENT GETNAME", "A? HELLO 3 AUTH\x00x default pw", "A: PING",
		"A? HELLO 2", "A: HELLO 2 SETNAME", "A: HELLO 2 AUTH default",
	}},
	{"hello before authenticating", []string{
		"A: CONFIG SET requirepass pw", "B: HELLO 3 SETNAME x", "B: EXEC", "B: EXEC x", "B: AUTH pw",
		"B: CLIENT GETNAME", "B: PING", "A: CONFIG SET requirepass ∅",
	}},
	{"bad subcommands abort a transaction", []string{
		"A: MULTI", "A: SET k v", "A: CONFIG BOGUS", "A: EXEC", "A: EXISTS k",
		"A: MULTI", "A: CONFIG SET slowlog-max-len", "A: EXEC",
		"A: MULTI", "A: COMMAND HELP get", "A: PING", "A: EXEC",
		"A: MULTI", "A: CLIENT ID x", "A: DISCARD",
	}},
	{"refused exec", []string{
		"A: EXEC x", "A: MULTI", "A: EXEC x", "A: EXEC", "A: WATCH k", "A: EXEC x",
		"B: SET k 1", "A: MULTI", "A: GET k", "A: EXEC",
	}},
	{"subscribed", []string{
		"A: SUBSCRIBE ch", "A: COMMAND BOGUS", "A: CONFIG SET x", "A: CONFIG GET x", "A: CONFIG BOGUS",
		"A: EXEC", "A: EXEC x", "A: CLIENT BOGUS", "A: OBJECT ENCODING", "A: PING a b", "A: PING a",
	}},
}

// Ensure that container commands, CONFIG, HELLO and refused commands in
// and out of transactions answer as a real redis-server does.
func TestServer_ConnectionMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, sc := range connectionScenarios {
		t.Run(sc.name, func(t *testing.T) {
			type pair struct{ photon, redis *conn }
			clients := map[string]pair{} // each connects on its first line
			for _, line := range sc.lines {
				who, mode, cmd := line[:1], line[1:2], line[3:]
				args := strings.Fields(cmd)
				for i, a := range args {
					args[i] = strings.ReplaceAll(a, "␣", " ")
					if a == "∅" {
						args[i] = ""
					}
				}
				c, ok := clients[who]
				if !ok {
					c = pair{dial(t, addr), dial(t, real.Addr)}
					clients[who] = c
				}
				c.photon.send(args...)
				c.redis.send(args...)
				pv, rv := c.photon.read(), c.redis.read()
				var got, want string
				switch {
				case mode == "?":
					got, want = kindOrError(pv), kindOrError(rv)
				case len(args) > 1 && strings.EqualFold(args[0], "CONFIG") && strings.EqualFold(args[1], "GET"):
					// Redis gathers CONFIG GET's matches in a dict: no order.
					got, want = sortedPairs(pv), sortedPairs(rv)
				default:
					got, want = normalize(args[0], pv), normalize(args[0], rv)
				}
				if got != want {
					t.Errorf("%q\n photon: %s\n  redis: %s", line, got, want)
				}
			}
		})
	}
}

// kindOrError renders an error reply in full and any other reply as its
// kind only.
func kindOrError(v resp.Value) string {
	if v.Kind == resp.Error {
		return show(v)
	}
	return fmt.Sprint("kind ", v.Kind)
}
