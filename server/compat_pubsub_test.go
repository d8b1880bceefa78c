package server_test

import (
	"io"
	"net"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/server"
)

// Pub/sub scenarios: "A: CMD" sends a command on connection A and reads
// its reply; "A<" reads one more reply (a further SUBSCRIBE confirmation,
// or a message). Each line's result must be the same on photon and on a
// real redis-server. "A~ CMD" runs a command on both without comparing.
var pubsubScenarios = []struct {
	name  string
	lines []string
}{
	{"subscribe and publish", []string{
		"A: SUBSCRIBE news sport", "A<", "B: PUBLISH news hello", "A<", "B: PUBLISH none x",
		"B: PUBLISH sport goal", "A<", "A: PING", "A: PING hi", "A: GET k", "A: SUBSCRIBE news",
		"B: PUBSUB CHANNELS", "B: PUBSUB CHANNELS n*", "B: PUBSUB NUMSUB news none", "B: PUBSUB NUMPAT",
		"A: UNSUBSCRIBE news", "B: PUBLISH news gone", "B: PUBLISH sport still", "A<",
		"A: UNSUBSCRIBE", "A: UNSUBSCRIBE", "A: GET k", "A: PING",
	}},
	{"patterns", []string{
		"A: PSUBSCRIBE n* s?ort", "A<", "B: PUBLISH news hi", "A<", "B: PUBLISH sport x", "A<",
		"B: PUBSUB NUMPAT", "A: SUBSCRIBE news", "B: PUBLISH news both", "A<", "A<",
		"A: PUNSUBSCRIBE n*", "A: PUNSUBSCRIBE", "A: UNSUBSCRIBE", "B: PUBSUB NUMPAT",
	}},
	{"shard channels", []string{
		"A: SSUBSCRIBE s1", "B: SPUBLISH s1 m", "A<", "B: PUBLISH s1 plain", "B: PUBSUB SHARDCHANNELS",
		"B: PUBSUB SHARDNUMSUB s1 s2", "A: SUNSUBSCRIBE", "A: SUNSUBSCRIBE",
	}},
	{"resp3", []string{
		"A~ HELLO 3", "A: SUBSCRIBE c", "A: GET k", "B: PUBLISH c m", "A<", "A: PING", "A: UNSUBSCRIBE c",
	}},
	{"errors", []string{
		"A: SUBSCRIBE", "A: PUBLISH c", "A: PUBSUB", "A: PUBSUB FOO", "A: PUBSUB NUMPAT x",
		"A: PUBSUB CHANNELS a b", "A: PUBSUB HELP",
	}},
	{"reset", []string{
		"A: SUBSCRIBE c", "A: RESET", "A: GET k", "B: PUBLISH c m", "B: PUBSUB NUMSUB c",
	}},
}

func init() { unordered["PUBSUB"] = true } // PUBSUB CHANNELS lists in hash order

// Ensure that SUBSCRIBE, PUBLISH and PUBSUB answer and deliver as a real
// redis-server's do.
func TestServer_PubSubMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, sc := range pubsubScenarios {
		t.Run(sc.name, func(t *testing.T) {
			type pair struct{ photon, redis *conn }
			clients := map[string]pair{
				"A": {dial(t, addr), dial(t, real.Addr)},
				"B": {dial(t, addr), dial(t, real.Addr)},
			}
			for _, line := range sc.lines {
				var got, want string
				if who, cmd, ok := strings.Cut(line, "~ "); ok {
					// Run on both, without comparing (HELLO's reply holds the client id).
					c := clients[who]
					c.photon.do(strings.Fields(cmd)...)
					c.redis.do(strings.Fields(cmd)...)
					continue
				}
				if who, ok := strings.CutSuffix(line, "<"); ok {
					c := clients[who]
					got, want = show(c.photon.read()), show(c.redis.read())
				} else {
					who, cmd, _ := strings.Cut(line, ": ")
					args := strings.Fields(cmd)
					c := clients[who]
					c.photon.send(args...)
					c.redis.send(args...)
					got, want = normalize(args[0], c.photon.read()), normalize(args[0], c.redis.read())
				}
				if got != want {
					t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
				}
			}
		})
	}
}

// Ensure that a subscriber that does not read is closed by the pubsub
// class of client-output-buffer-limit, while the publisher and other
// clients go on, and that its subscription goes with it.
func TestServer_SlowSubscriberCutOff(t *testing.T) {
	_, addr := startServer(t, engine.Options{}, server.Options{
		PubSubLimit: &server.BufferLimit{Hard: 1 << 20},
	})
	slow := dial(t, addr)
	slow.c.(*net.TCPConn).SetReadBuffer(4 << 10)
	if got := slow.do("SUBSCRIBE", "feed"); got != `5["subscribe" "feed" 1]` {
		t.Fatalf("SUBSCRIBE = %s", got)
	}
	pub := dial(t, addr)
	msg := strings.Repeat("m", 16<<10)
	for i := 0; ; i++ {
		if i == 10000 {
			t.Fatalf("subscriber still subscribed after %d messages of %d bytes", i, len(msg))
		}
		if got := pub.do("PUBLISH", "feed", msg); got == "0" {
			break
		}
	}
	if got := pub.do("PUBSUB", "NUMSUB", "feed"); got != `5["feed" 0]` {
		t.Errorf("PUBSUB NUMSUB feed = %s after the subscriber was cut off", got)
	}
	if _, err := io.Copy(io.Discard, slow.c); isTimeout(err) {
		t.Errorf("slow subscriber still open: %v", err)
	}
}
