package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
)

func init() {
	compatScripts = append(compatScripts, []struct {
		name  string
		lines []string
	}{
		{"blocking-immediate", []string{
			"RPUSH l a b c", "BLPOP l 0", "BRPOP l 0", "BLPOP none l 1", "BLPOP l", "BLPOP l x", "BLPOP l -1",
			"BLPOP l 0.5", "BLPOP l inf", "BLPOP l 1e300", "SET s v", "BLPOP s 1", "BLPOP none s 1",
			"RPUSH l2 x y", "BLMOVE l2 l3 LEFT RIGHT 0", "BLMOVE l2 l3 UP RIGHT 0", "BRPOPLPUSH l2 l3 0",
			"LRANGE l3 0 -1", "BLMOVE s l3 LEFT LEFT 0", "BLMOVE l3 s LEFT LEFT 0",
			"RPUSH m 1 2 3", "BLMPOP 0 2 none m LEFT COUNT 2", "BLMPOP 0 1 m RIGHT", "BLMPOP 0 0 m LEFT",
			"BLMPOP x 1 m LEFT", "BLMPOP 0 1 m UP",
			"ZADD z 1 a 2 b 3 c", "BZPOPMIN z 0", "BZPOPMAX none z 0", "BZPOPMIN s 0",
			"BZMPOP 0 1 z MIN COUNT 5", "EXISTS z", "BZMPOP 0.01 1 z MAX", "BZMPOP 0 1 z FOO",
			"MULTI", "BLPOP empty 0", "BRPOPLPUSH empty x 0", "BZPOPMIN empty 0", "BLMPOP 0 1 empty LEFT", "EXEC",
			"CLIENT UNBLOCK 999999", "CLIENT UNBLOCK x", "CLIENT UNBLOCK 1 FOO", "CLIENT UNBLOCK 1 TIMEOUT x",
		}},
	}...)
}

// Blocking scenarios: "A> CMD" sends a command on connection A without
// reading its reply (it blocks); "A<" reads one reply; "A: CMD" sends and
// reads. After each "B:" command, blocked clients' replies are read only
// by an explicit "A<", in the order the scenario gives.
var blockingScenarios = []struct {
	name  string
	lines []string
}{
	{"push wakes the blocked client", []string{
		"A> BLPOP q 0", "B: RPUSH q x y", "A<", "B: LRANGE q 0 -1",
	}},
	{"longest waiting served first", []string{
		"A> BLPOP q 0", "C> BRPOP q 0", "B: RPUSH q 1 2 3", "A<", "C<", "B: LRANGE q 0 -1",
	}},
	{"one element for two waiters", []string{
		"A> BLPOP q 0", "C> BLPOP q 0", "B: RPUSH q only", "A<", "B: RPUSH q next", "C<",
	}},
	{"blocking on several keys", []string{
		"A> BLPOP k1 k2 0", "B: RPUSH k2 v", "A<", "B: EXISTS k2",
	}},
	{"blmove chain", []string{
		"A> BLMOVE src dst LEFT RIGHT 0", "C> BLPOP dst 0", "B: RPUSH src v", "A<", "C<", "B: EXISTS src dst",
	}},
	{"wrong type does not wake", []string{
		"A> BLPOP q 0", "B: SET q v", "B: DEL q", "B: RPUSH q x", "A<",
	}},
	{"transaction pushes", []string{
		"A> BLPOP q 0", "B: MULTI", "B: RPUSH q a", "B: RPUSH q b", "B: LPOP q", "B: EXEC", "A<",
	}},
	{"sorted sets", []string{
		"A> BZPOPMIN z 0", "B: ZADD z 2 b 1 a", "A<", "B: ZRANGE z 0 -1",
		"A> BZMPOP 0 1 z2 MAX COUNT 3", "B: ZADD z2 5 e 6 f", "A<",
	}},
	{"timeout", []string{
		"A: BLPOP q 0.01", "A: BRPOPLPUSH q d 0.01", "A: BZPOPMAX z 0.01", "A: BLMPOP 0.01 1 q LEFT",
	}},
	{"unblock", []string{
		"A> BLPOP q 0", "B: CLIENT UNBLOCK $A", "A<", "A> BLPOP q 0", "B: CLIENT UNBLOCK $A ERROR", "A<",
		"B: CLIENT UNBLOCK $A",
	}},
}

// Ensure that blocking pops wait, wake, time out and unblock as a real
// redis-server's do, with several clients.
func TestServer_BlockingMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, sc := range blockingScenarios {
		t.Run(sc.name, func(t *testing.T) {
			type pair struct{ photon, redis *conn }
			clients := map[string]pair{}
			ids := map[string][2]string{}
			for _, who := range []string{"A", "B", "C"} {
				p := pair{dial(t, addr), dial(t, real.Addr)}
				clients[who] = p
				ids[who] = [2]string{p.photon.do("CLIENT", "ID"), p.redis.do("CLIENT", "ID")}
			}
			clients["B"].photon.do("FLUSHALL")
			clients["B"].redis.do("FLUSHALL")
			for _, line := range sc.lines {
				if who, ok := strings.CutSuffix(line, "<"); ok {
					c := clients[who]
					if got, want := show(c.photon.read()), show(c.redis.read()); got != want {
						t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
					}
					continue
				}
				who, cmd, send := strings.Cut(line, "> ")
				if !send {
					who, cmd, _ = strings.Cut(line, ": ")
				}
				c := clients[who]
				args := strings.Fields(cmd)
				pa, ra := append([]string(nil), args...), append([]string(nil), args...)
				for i, a := range args {
					if id, ok := ids[strings.TrimPrefix(a, "$")]; ok && strings.HasPrefix(a, "$") {
						pa[i], ra[i] = id[0], id[1]
					}
				}
				c.photon.send(pa...)
				c.redis.send(ra...)
				if send {
					// Let the blocked command reach both servers before
					// the next line: a PING on another connection cannot
					// prove it, but the blocked client's own next read can
					// only happen after. Both servers see commands from
					// different connections in arrival order; wait for
					// the block to register through CLIENT LIST.
					waitBlocked(t, clients["B"].photon, ids[who][0])
					waitBlocked(t, clients["B"].redis, ids[who][1])
					continue
				}
				if got, want := show(c.photon.read()), show(c.redis.read()); got != want {
					t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
				}
			}
		})
	}
}

// waitBlocked waits until CLIENT LIST, asked on c, shows client id
// blocked (flags with b), as both servers show it once the blocking
// command has been read.
func waitBlocked(t *testing.T, c *conn, id string) {
	t.Helper()
	for i := 0; i < 2000; i++ {
		list := c.do("CLIENT", "LIST", "ID", id)
		if strings.Contains(list, " flags=b ") || strings.Contains(list, "flags=b ") {
			return
		}
		if !strings.Contains(list, "id="+id+" ") {
			t.Fatalf("client %s is gone: %s", id, list)
		}
	}
	t.Fatalf("client %s never blocked", id)
}

// Ensure that a client that disconnects while blocked is forgotten: a
// later push stays in the list instead of going to nobody.
func TestServer_BlockedClientDisconnects(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	other := dial(t, addr)
	for _, how := range []string{"close", "kill"} {
		t.Run(how, func(t *testing.T) {
			c := dial(t, addr)
			id := c.do("CLIENT", "ID")
			c.send("BLPOP", "q-"+how, "0")
			waitBlocked(t, other, id)
			if how == "close" {
				c.c.Close()
			} else if got := other.do("CLIENT", "KILL", "ID", id); got != "1" {
				t.Fatalf("CLIENT KILL = %s", got)
			}
			// The server notices the close on its own; wait until the
			// client is gone from CLIENT LIST.
			for i := 0; ; i++ {
				if !strings.Contains(other.do("CLIENT", "LIST", "ID", id), "id="+id+" ") {
					break
				}
				if i == 5000 {
					t.Fatalf("client %s still listed after it closed", id)
				}
			}
			other.do("RPUSH", "q-"+how, "kept")
			if got := other.do("LRANGE", "q-"+how, "0", "-1"); got != `5["kept"]` {
				t.Errorf("list after the push = %s, want the element kept", got)
			}
		})
	}
}

// Ensure that Shutdown does not wait for clients blocked forever.
func TestServer_ShutdownWithBlockedClient(t *testing.T) {
	srv, addr := startPhoton(t, engine.Options{})
	c := dial(t, addr)
	id := c.do("CLIENT", "ID")
	c.send("BLPOP", "q", "0")
	waitBlocked(t, dial(t, addr), id)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a blocked client: %v", err)
	}
}
