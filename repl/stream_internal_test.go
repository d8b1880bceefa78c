package repl

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that a session may write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitUntil polls cond until it holds, failing the test after a while.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newStreamSession returns an interactive session on a FakeServer whose
// Ctrl-C is the returned channel.
func newStreamSession(t *testing.T, out, errOut *syncBuffer) (*session, *FakeServer, chan os.Signal) {
	t.Helper()
	srv := NewFakeServer(t)
	s := newSession(Config{Name: "fake", Dial: srv.Dial, Out: out, Err: errOut, Interactive: true, NoColor: true})
	intr := make(chan os.Signal, 1)
	s.intr = intr
	t.Cleanup(s.close)
	return s, srv, intr
}

// Ensure that after SUBSCRIBE and MONITOR the session prints what the
// server sends, one reply per channel first, until Ctrl-C, and then
// connects again at once.
func TestSession_Streams(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"subscribe", "SUBSCRIBE a b", readingMessages +
			"1) \"subscribe\"\n2) \"a\"\n3) (integer) 1\n" +
			"1) \"subscribe\"\n2) \"b\"\n3) (integer) 2\n" +
			"1) \"message\"\n2) \"a\"\n3) \"hello\"\n\n"},
		{"monitor", "MONITOR", "OK\n1700000000.000000 [0 fake] \"publish\" \"a\" \"hello\"\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut syncBuffer
			s, srv, intr := newStreamSession(t, &out, &errOut)
			done := make(chan outcome)
			go func() { done <- s.handleLine(tt.line) }()
			waitUntil(t, "the stream to start", func() bool { return srv.Streams() == 1 })
			if n := srv.Publish("a", "hello"); n != 1 {
				t.Fatalf("Publish reached %d connections", n)
			}
			waitUntil(t, "the message", func() bool { return strings.Contains(out.String(), "hello") })
			intr <- os.Interrupt
			if o := <-done; o.err != nil || o.quit {
				t.Fatalf("outcome %+v", o)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("output:\ngot  %q\nwant %q", got, tt.want)
			}
			if got, want := s.prompt(), "fake> "; got != want || srv.Dials() != 2 {
				t.Errorf("after Ctrl-C: prompt %q after %d dials; want %q after 2", got, srv.Dials(), want)
			}
			if o := s.handleLine("PING"); o.err != nil || !strings.HasSuffix(out.String(), "PONG\n") {
				t.Errorf("PING after Ctrl-C: %v, %q", o.err, out.String())
			}
			if errOut.String() != "" {
				t.Errorf("stderr: %q", errOut.String())
			}
		})
	}
}

// Ensure that Ctrl-C stops a command that waits for its reply, and that
// the session goes on with a new connection on the same database.
func TestSession_InterruptWaiting(t *testing.T) {
	var out, errOut syncBuffer
	s, srv, intr := newStreamSession(t, &out, &errOut)
	if o := s.handleLine("SELECT 3"); o.err != nil {
		t.Fatal(o.err)
	}
	done := make(chan outcome)
	go func() { done <- s.handleLine("BLOCK") }()
	waitUntil(t, "BLOCK to be sent", func() bool { return slices.Contains(srv.Commands(), "BLOCK") })
	intr <- os.Interrupt
	if o := <-done; o.err != nil {
		t.Fatalf("outcome %+v", o)
	}
	if got, want := s.prompt(), "fake[3]> "; got != want {
		t.Errorf("prompt %q, want %q", got, want)
	}
	cmds := srv.Commands()
	if got := cmds[len(cmds)-1]; got != "SELECT 3" {
		t.Errorf("last command %q, want the new connection to select 3 again", got)
	}
}

// interruptingWriter sends Ctrl-C when it is first written to, as a
// person would while a long reply scrolls by.
type interruptingWriter struct {
	syncBuffer
	intr chan os.Signal
	once sync.Once
}

func (w *interruptingWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { w.intr <- os.Interrupt })
	return w.syncBuffer.Write(p)
}

// Ensure that Ctrl-C cuts the printing of a long reply short.
func TestSession_InterruptPrinting(t *testing.T) {
	var errOut syncBuffer
	srv := NewFakeServer(t)
	intr := make(chan os.Signal, 1)
	out := &interruptingWriter{intr: intr}
	s := newSession(Config{Name: "fake", Dial: srv.Dial, Out: out, Err: &errOut, Interactive: true, NoColor: true})
	s.intr = intr
	t.Cleanup(s.close)
	if o := s.handleLine("BIG 100000"); o.err != nil {
		t.Fatal(o.err)
	}
	got := out.String()
	if !strings.HasSuffix(got, "\n(interrupted)\n") || len(got) > 2*printChunk || !strings.HasPrefix(got, `     1) "element 0"`) {
		t.Errorf("output of %d bytes: %q...%q", len(got), got[:min(len(got), 40)], got[max(0, len(got)-40):])
	}
	if o := s.handleLine("PING"); o.err != nil || !strings.HasSuffix(out.String(), "PONG\n") {
		t.Errorf("PING after Ctrl-C: %v", o.err)
	}
}

// Ensure that a line starting with a count repeats its command, as in
// redis-cli, and that a count that is not positive is refused.
func TestSession_Repeat(t *testing.T) {
	tests := []struct {
		line    string
		wantOut string
		err     error
	}{
		{"3 ECHO x", "\"x\"\n\"x\"\n\"x\"\n", nil},
		{"+2 PING", "PONG\nPONG\n", nil},
		{"1 ECHO once", "\"once\"\n", nil},
		{"0 PING", "", errBadRepeat},
		{"-1 PING", "", errBadRepeat},
		{"99999999999999999999 PING", "", errBadRepeat},
		{"3x PING", "(error) ERR unknown command '3x', with args beginning with: 'PING' \n", replyError("")},
		{"3", "(error) ERR unknown command '3', with args beginning with: \n", replyError("")},
		{"2 NOPE", "(error) ERR unknown command 'NOPE', with args beginning with: \n" +
			"(error) ERR unknown command 'NOPE', with args beginning with: \n", replyError("")},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var out, errOut bytes.Buffer
			s, _ := newTestSession(t, &out, &errOut)
			o := s.handleLine(tt.line)
			var re replyError
			switch {
			case tt.err == nil && o.err != nil,
				errors.Is(tt.err, errBadRepeat) && !errors.Is(o.err, errBadRepeat),
				errors.As(tt.err, &re) && !errors.As(o.err, &re):
				t.Errorf("error %v, want %v", o.err, tt.err)
			}
			if got := out.String(); got != tt.wantOut {
				t.Errorf("output %q, want %q", got, tt.wantOut)
			}
		})
	}
}

// Ensure that each connection is introduced as redis-cli introduces it:
// AUTH, SELECT, HELLO 3, with failures reported and not fatal.
func TestSession_Handshake(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		wantCmds   []string
		wantErr    string
		wantPrompt string
	}{
		{"nothing", Config{}, nil, "", "fake> "},
		{"password", Config{Password: "secret"}, []string{"AUTH secret"}, "", "fake> "},
		{"user", Config{User: "bob", Password: "secret"}, []string{"AUTH bob secret"}, "", "fake> "},
		{"wrong password", Config{Password: "guess"}, []string{"AUTH guess"},
			"AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n", "fake> "},
		{"database", Config{DB: 2}, []string{"SELECT 2"}, "", "fake[2]> "},
		{"bad database", Config{DB: 99}, []string{"SELECT 99"}, "SELECT 99 failed: ERR DB index is out of range\n", "fake> "},
		{"resp3", Config{Protocol: 3}, []string{"HELLO 3"}, "", "fake> "},
		{"all", Config{Password: "secret", DB: 1, Protocol: 3}, []string{"AUTH secret", "SELECT 1", "HELLO 3"}, "", "fake[1]> "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewFakeServer(t)
			var out, errOut bytes.Buffer
			cfg := tt.cfg
			cfg.Name, cfg.Dial, cfg.Out, cfg.Err = "fake", srv.Dial, &out, &errOut
			s := newSession(cfg)
			defer s.close()
			if err := s.connect(); err != nil {
				t.Fatal(err)
			}
			if got := srv.Commands(); !slices.Equal(got, tt.wantCmds) {
				t.Errorf("commands %q, want %q", got, tt.wantCmds)
			}
			if errOut.String() != tt.wantErr {
				t.Errorf("stderr %q, want %q", errOut.String(), tt.wantErr)
			}
			if got := s.prompt(); got != tt.wantPrompt {
				t.Errorf("prompt %q, want %q", got, tt.wantPrompt)
			}
		})
	}
}

// Ensure that the completion connection lists keys of the database asked
// for, and the server's directive names, and is closed with the session.
func TestAux(t *testing.T) {
	var out, errOut syncBuffer
	s, srv, _ := newStreamSession(t, &out, &errOut)
	for _, line := range []string{"SET user:1 a", "SET user:2 b", "SET other c", "SELECT 1", "SET user:9 d"} {
		if o := s.handleLine(line); o.err != nil {
			t.Fatal(o.err)
		}
	}
	keys, complete, err := s.aux.scan(0, "user:", 10)
	if err != nil || !complete || !slices.Equal(keys, []string{"user:1", "user:2"}) {
		t.Errorf("scan db 0: %q, %v, %v", keys, complete, err)
	}
	keys, _, err = s.aux.scan(1, "", 10)
	if err != nil || !slices.Equal(keys, []string{"user:9"}) {
		t.Errorf("scan db 1: %q, %v", keys, err)
	}
	names, err := s.aux.configNames(1)
	if err != nil || !slices.Equal(names, []string{"maxclients", "maxmemory"}) {
		t.Errorf("config names: %q, %v", names, err)
	}
	cmds := srv.Commands()
	if !slices.Contains(cmds, "SCAN 0 MATCH user:* COUNT 1000") {
		t.Errorf("commands %q: no SCAN with the prefix as pattern", cmds)
	}
	s.close()
	if _, _, err := s.aux.scan(0, "", 10); !errors.Is(err, errClosed) {
		t.Errorf("scan after close: %v", err)
	}
}

// Ensure that the key finder answers from a complete listing of a
// shorter prefix, lists again after listTTL, and does not make Tab wait
// for a slow listing.
func TestKeyFinder(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	release := make(chan struct{})
	list := func(db int, prefix string, max int) ([]string, bool, error) {
		mu.Lock()
		calls = append(calls, prefix)
		mu.Unlock()
		if prefix == "slow" {
			<-release
			return []string{"slow:1"}, true, nil
		}
		all := []string{"a:1", "a:2", "b:1"}
		return withPrefix(all, prefix), true, nil
	}
	f := newKeyFinder(list)
	clock := time.Unix(0, 0)
	f.now = func() time.Time { return clock }
	f.wait = 20 * time.Millisecond

	if got := f.find(0, "a"); !slices.Equal(got, []string{"a:1", "a:2"}) {
		t.Errorf("find a: %q", got)
	}
	if got := f.find(0, "a:2"); !slices.Equal(got, []string{"a:2"}) {
		t.Errorf("find a:2: %q", got)
	}
	if got := f.find(0, ""); !slices.Equal(got, []string{"a:1", "a:2", "b:1"}) {
		t.Errorf("find \"\": %q", got)
	}
	if got := f.find(0, "b"); !slices.Equal(got, []string{"b:1"}) {
		t.Errorf("find b: %q", got)
	}
	mu.Lock()
	if want := []string{"a", ""}; !slices.Equal(calls, want) {
		t.Errorf("listings %q, want %q (a:2 and b from the cache)", calls, want)
	}
	mu.Unlock()
	clock = clock.Add(listTTL + time.Second)
	f.find(0, "b")
	f.find(1, "b")
	mu.Lock()
	if want := []string{"a", "", "b", "b"}; !slices.Equal(calls, want) {
		t.Errorf("listings %q, want %q (stale, then another database)", calls, want)
	}
	mu.Unlock()

	start := time.Now()
	if got := f.find(0, "slow"); got != nil {
		t.Errorf("slow listing: %q before it finished", got)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Tab waited %v", d)
	}
	close(release)
	waitUntil(t, "the slow listing", func() bool { return slices.Equal(f.find(0, "slow"), []string{"slow:1"}) })
}

// Ensure that the hint is drawn after the line with the cursor moved
// back, cut at the edge of the terminal, and left out where readline
// would be confused by it.
func TestHinter_Paint(t *testing.T) {
	h := &hinter{t: testTable(), width: func() int { return 40 }}
	h.setPrompt("p> ")
	tests := []struct {
		line  string
		pos   int
		width int
		want  string
	}{
		{"SET ", -1, 40, "SET key value [NX|XX]\x1b[17D"},
		{"SET", -1, 40, "SET key value [NX|XX]\x1b[18D"},
		{"SET k v ", -1, 40, "SET k v [NX|XX]\x1b[7D"},
		{"SET k v NX", -1, 40, "SET k v NX"},
		{"SET ", 2, 40, "SET "},             // cursor inside the line
		{"SET \n", -1, 40, "SET \n"},        // entered
		{"SET ", -1, 12, "SET key \x1b[4D"}, // cut at the edge, one column kept free
		{"SET ", -1, 7, "SET "},             // the line reaches the edge
		{"SET ", -1, 0, "SET "},             // no terminal
		{"NOSUCH ", -1, 40, "NOSUCH "},      // unknown command
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			h.width = func() int { return tt.width }
			pos := tt.pos
			if pos < 0 {
				pos = len([]rune(tt.line))
			}
			if got := string(h.Paint([]rune(tt.line), pos)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
