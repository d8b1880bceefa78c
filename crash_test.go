package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
)

// TestServe_Persistence runs photon serve with its snapshot and its
// append-only file: it compares the directives and replies with a real
// redis-server's, and it kills the server with SIGKILL while it writes
// its files, and takes its disk away, and checks that it starts again
// from what it wrote with nothing acknowledged missing. It builds the
// binary once for all its cases, each bounded to a few seconds.
func TestServe_Persistence(t *testing.T) {
	if testing.Short() {
		t.Skip("builds photon and runs it; skipped with -short")
	}
	bin := buildPhoton(t)
	t.Run("CONFIG and INFO like Redis", func(t *testing.T) { testAOFConfigLikeRedis(t, bin) })
	t.Run("kill -9 under writes with appendfsync always", func(t *testing.T) { testKillUnderWrites(t, bin) })
	t.Run("kill -9 during SAVE, BGSAVE and BGREWRITEAOF", func(t *testing.T) { testKillDuringSaves(t, bin) })
	t.Run("unwritable directory", func(t *testing.T) { testUnwritableDir(t, bin) })
	t.Run("disk full", func(t *testing.T) { testDiskFull(t, bin) })
}

// Ensure that the append-only file's directives answer CONFIG GET and
// CONFIG SET as Redis's do, errors included, that CONFIG SET appendonly
// yes turns it on through a rewrite, and that INFO persistence then has
// Redis's fields.
func testAOFConfigLikeRedis(t *testing.T, bin string) {
	redis := redistest.Start(t, "")
	dir := t.TempDir()
	p := serve(t, bin, dir, "--save", "")
	ph, rd := dial(t, p.addr), dial(t, redis.Addr)
	for _, args := range [][]string{
		{"CONFIG", "GET", "appendonly"},
		{"CONFIG", "GET", "appendfsync"},
		{"CONFIG", "GET", "appendfilename"},
		{"CONFIG", "GET", "auto-aof-rewrite-percentage"},
		{"CONFIG", "GET", "auto-aof-rewrite-min-size"},
		{"CONFIG", "GET", "aof-load-truncated"},
		{"CONFIG", "GET", "aof-use-rdb-preamble"},
		{"CONFIG", "GET", "stop-writes-on-bgsave-error"},
		{"CONFIG", "SET", "appendfilename", "x.aof"},
		{"CONFIG", "SET", "appendfsync", "sometimes"},
		{"CONFIG", "SET", "appendfsync", "ALWAYS"},
		{"CONFIG", "GET", "appendfsync"},
		{"CONFIG", "SET", "appendfsync", "everysec"},
		{"CONFIG", "SET", "auto-aof-rewrite-percentage", "-1"},
		{"CONFIG", "SET", "auto-aof-rewrite-percentage", "abc"},
		{"CONFIG", "SET", "auto-aof-rewrite-percentage", "50"},
		{"CONFIG", "SET", "auto-aof-rewrite-min-size", "1x"},
		{"CONFIG", "SET", "auto-aof-rewrite-min-size", "1mb"},
		{"CONFIG", "GET", "auto-aof-rewrite-percentage"},
		{"CONFIG", "GET", "auto-aof-rewrite-min-size"},
		{"CONFIG", "SET", "aof-load-truncated", "maybe"},
		{"CONFIG", "SET", "aof-use-rdb-preamble", "no"},
		{"CONFIG", "GET", "aof-use-rdb-preamble"},
		{"CONFIG", "SET", "aof-use-rdb-preamble", "yes"},
		{"CONFIG", "SET", "appendonly", "maybe"},
		{"CONFIG", "SET", "appendonly", "no"},
		{"BGREWRITEAOF", "now"},
		{"SET", "k", "v"},
		{"BGREWRITEAOF"},
		{"CONFIG", "SET", "appendonly", "yes"},
		{"CONFIG", "GET", "appendonly"},
	} {
		if got, want := do(t, ph, args...), do(t, rd, args...); got != want {
			t.Errorf("%q\nphoton: %s\nredis:  %s", args, got, want)
		}
	}
	// Scheduled first: a scheduled rewrite clears the flag as it starts,
	// so in the other order a rewrite could still be running after both
	// waits, with the file not yet turned on.
	p.waitInfo(t, "aof_rewrite_scheduled", "0")
	p.waitInfo(t, "aof_rewrite_in_progress", "0")
	names := func(c *client.Client) []string {
		var out []string
		for _, line := range strings.Split(do(t, c, "INFO", "persistence"), "\r\n") {
			if k, _, ok := strings.Cut(line, ":"); ok {
				out = append(out, k)
			}
		}
		return out
	}
	if got, want := names(ph), names(rd); !slices.Equal(got, want) {
		t.Errorf("INFO persistence with appendonly yes:\nphoton: %v\nredis:  %v", got, want)
	}
	for field, want := range map[string]string{"aof_enabled": "1", "aof_rewrites": "2", "aof_last_bgrewrite_status": "ok"} {
		if got := p.info(t, field); got != want {
			t.Errorf("after CONFIG SET appendonly yes, %s:%s, want %s", field, got, want)
		}
	}
	p.call(t, "SET", "k2", "v2")
	p.kill()
	p = serve(t, bin, dir, "--save", "", "--appendonly", "yes")
	for k, want := range map[string]string{"k": "v", "k2": "v2"} {
		if v := p.call(t, "GET", k); string(v.Str) != want {
			t.Errorf("after a restart from the file CONFIG SET appendonly yes made, %s is %s, want %s", k, v, want)
		}
	}
}

// proc is a photon serve process whose log may be read while it runs.
type proc struct {
	cmd  *exec.Cmd
	addr string
	log  *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serve starts photon serve on dir with args and waits until it answers.
func serve(t *testing.T, bin, dir string, args ...string) *proc {
	t.Helper()
	port := itoa(redistest.FreePort(t))
	p := &proc{addr: "127.0.0.1:" + port, log: &lockedBuffer{}}
	p.cmd = exec.Command(bin, append([]string{"serve", "--port", port, "--dir", dir}, args...)...)
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.kill)
	waitListening(t, p.addr)
	return p
}

// kill sends SIGKILL and waits for the process to die.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
}

// call runs one command on a new connection and returns its reply.
func (p *proc) call(t *testing.T, args ...string) resp.Value {
	t.Helper()
	c, err := client.Dial(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%q: %v\n%s", args, err, p.log)
	}
	return v
}

// info returns one field of INFO persistence.
func (p *proc) info(t *testing.T, field string) string {
	t.Helper()
	v := p.call(t, "INFO", "persistence")
	for _, line := range strings.Split(string(v.Str), "\r\n") {
		if val, ok := strings.CutPrefix(line, field+":"); ok {
			return val
		}
	}
	t.Fatalf("INFO persistence has no %s: %s", field, v)
	return ""
}

// waitInfo waits up to 10 s for an INFO persistence field to read want.
func (p *proc) waitInfo(t *testing.T, field, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for p.info(t, field) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s is not %s after 10 s\n%s", field, want, p.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writerModel is what one writer had acknowledged: the keys it SET, its
// counter's value and its list's elements, and what it had sent without
// an answer when the server died.
type writerModel struct {
	next    int               // the next operation's number
	sets    map[string]string // acknowledged SETs
	counter int64             // INCR's last acknowledged value
	list    []string          // RPUSH's acknowledged elements
}

// write runs writer w's operations on its own connection until the
// connection fails: SET of a new key, INCR of its counter, RPUSH to its
// list, each acknowledged before the next is sent.
func (m *writerModel) write(addr string, w int) {
	c, err := client.Dial(addr)
	if err != nil {
		return
	}
	defer c.Close()
	for {
		i := m.next
		var v resp.Value
		switch i % 3 {
		case 0:
			v, err = c.Do("SET", fmt.Sprintf("k:%d:%d", w, i), fmt.Sprintf("v%d", i))
		case 1:
			v, err = c.Do("INCR", fmt.Sprintf("counter:%d", w))
		case 2:
			v, err = c.Do("RPUSH", fmt.Sprintf("list:%d", w), strconv.Itoa(i))
		}
		if err != nil || v.Kind == resp.Error {
			return
		}
		switch i % 3 {
		case 0:
			m.sets[fmt.Sprintf("k:%d:%d", w, i)] = fmt.Sprintf("v%d", i)
		case 1:
			m.counter = v.Int
		case 2:
			m.list = append(m.list, strconv.Itoa(i))
		}
		m.next++
	}
}

// check verifies, on a restarted server, that every acknowledged write of
// writer w is there; a write in flight when the server died may be there
// too, and the model takes it.
func (m *writerModel) check(t *testing.T, p *proc, w int) {
	t.Helper()
	for k, want := range m.sets {
		if v := p.call(t, "GET", k); string(v.Str) != want {
			t.Errorf("acknowledged SET %s %s: after the restart GET says %s", k, want, v)
		}
	}
	n, _ := strconv.ParseInt(string(p.call(t, "GET", fmt.Sprintf("counter:%d", w)).Str), 10, 64)
	if n != m.counter && n != m.counter+1 {
		t.Errorf("counter:%d is %d after the restart; %d INCRs were acknowledged", w, n, m.counter)
	}
	m.counter = n
	var got []string
	for _, e := range p.call(t, "LRANGE", fmt.Sprintf("list:%d", w), "0", "-1").Elems {
		got = append(got, string(e.Str))
	}
	if len(got) < len(m.list) || len(got) > len(m.list)+1 || !slices.Equal(got[:len(m.list)], m.list) {
		t.Errorf("list:%d is %d elements after the restart; the %d acknowledged are not its head", w, len(got), len(m.list))
	} else {
		m.list = got
	}
}

// Ensure that with appendfsync always, every write acknowledged before a
// SIGKILL at a random moment (some of them in the middle of a
// BGREWRITEAOF) is there after the restart, with its value.
func testKillUnderWrites(t *testing.T, bin string) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	dir := t.TempDir()
	args := []string{"--appendonly", "yes", "--appendfsync", "always", "--save", ""}
	const writers = 4
	models := make([]*writerModel, writers)
	for w := range models {
		models[w] = &writerModel{sets: map[string]string{}}
	}
	for round := range 6 {
		p := serve(t, bin, dir, args...)
		for w, m := range models {
			m.check(t, p, w)
		}
		var wg sync.WaitGroup
		for w, m := range models {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m.write(p.addr, w)
			}()
		}
		time.Sleep(time.Duration(50+rng.IntN(250)) * time.Millisecond)
		if round%2 == 1 {
			p.call(t, "BGREWRITEAOF")
			time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
		}
		p.kill()
		wg.Wait()
		if t.Failed() {
			t.Fatalf("round %d:\n%s", round, p.log)
		}
	}
	p := serve(t, bin, dir, args...)
	acked := 0
	for w, m := range models {
		m.check(t, p, w)
		acked += m.next
	}
	t.Logf("%d acknowledged writes over 6 kills", acked)
	if acked < 100 {
		t.Errorf("only %d writes were acknowledged: the test proved little", acked)
	}
}

// fill writes n keys key:0.. with 100-byte values, pipelined.
func fill(t *testing.T, p *proc, n int) {
	t.Helper()
	c, err := client.Dial(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	val := bytes.Repeat([]byte("x"), 100)
	for i := 0; i < n; i += 1000 {
		for j := i; j < min(i+1000, n); j++ {
			c.Send([]byte("SET"), []byte("key:"+strconv.Itoa(j)), val)
		}
		for j := i; j < min(i+1000, n); j++ {
			if v, err := c.Receive(); err != nil || v.Kind == resp.Error {
				t.Fatalf("SET key:%d: %v %v", j, v, err)
			}
		}
	}
}

// Ensure that a SIGKILL in the middle of SAVE, BGSAVE or BGREWRITEAOF
// leaves files that load: the append-only file with every acknowledged
// write, and the snapshot either the previous one or the new one whole.
func testKillDuringSaves(t *testing.T, bin string) {
	dir := t.TempDir()
	args := []string{"--appendonly", "yes", "--appendfsync", "always", "--save", ""}
	const keys = 50_000
	p := serve(t, bin, dir, args...)
	fill(t, p, keys)
	if v := p.call(t, "SAVE"); v.String() != "+OK" {
		t.Fatalf("SAVE: %s", v)
	}
	for i, cmd := range []string{"SAVE", "BGSAVE", "BGREWRITEAOF", "BGSAVE", "BGREWRITEAOF"} {
		marker := fmt.Sprintf("marker:%d", i)
		p.call(t, "SET", marker, cmd)
		c, err := client.Dial(p.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Send([]byte(cmd))
		c.Flush()
		time.Sleep(time.Duration(i*7) * time.Millisecond)
		p.kill()
		c.Close()

		// The append-only file has everything.
		p = serve(t, bin, dir, args...)
		if v := p.call(t, "DBSIZE"); v.Int != keys+int64(i)+1 {
			t.Errorf("after a kill during %s: DBSIZE %d, want %d\n%s", cmd, v.Int, keys+i+1, p.log)
		}
		if v := p.call(t, "GET", marker); string(v.Str) != cmd {
			t.Errorf("after a kill during %s: the write before it is %s", cmd, v)
		}
		p.kill()
		// The snapshot alone loads, old or new.
		p = serve(t, bin, dir, "--appendonly", "no", "--save", "")
		if v := p.call(t, "DBSIZE"); v.Int < keys {
			t.Errorf("after a kill during %s, the snapshot has %d keys, want at least %d\n%s", cmd, v.Int, keys, p.log)
		}
		p.kill()
		p = serve(t, bin, dir, args...)
	}
}

// makeUnwritable takes away the right to create files in dir and returns
// what gives it back. Root ignores permissions, so as root the directory
// is moved aside and a plain file takes its name: creating a file in it
// fails (ENOTDIR), while files already open keep working, as a read-only
// directory would leave them.
func makeUnwritable(t *testing.T, dir string) (restore func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		return func() { os.Chmod(dir, 0o755) }
	}
	t.Log("running as root, which chmod cannot stop: the directory is replaced by a plain file instead")
	aside := dir + ".aside"
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return func() {
		os.Remove(dir)
		if err := os.Rename(aside, dir); err != nil {
			t.Fatal(err)
		}
	}
}

const misconfRDB = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
	"Commands that may modify the data set are disabled, because this instance is configured to report errors during writes " +
	"if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."

// Ensure that when the directory cannot be written, BGSAVE and
// BGREWRITEAOF fail with their errors in INFO and the log, writes are
// refused with Redis's MISCONF while the old snapshot stays as it was,
// and that once the directory is back a save lifts MISCONF and nothing
// acknowledged was lost.
func testUnwritableDir(t *testing.T, bin string) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"--appendonly", "yes", "--save", "3600 1"}
	p := serve(t, bin, dir, args...)
	p.call(t, "SET", "before", "1")
	p.call(t, "SAVE")
	snapshot, err := os.ReadFile(filepath.Join(dir, "photon.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	p.call(t, "SET", "acked", "2")
	restore := makeUnwritable(t, dir)
	if v := p.call(t, "BGSAVE"); v.String() != "+Background saving started" {
		t.Errorf("BGSAVE: %s", v)
	}
	p.waitInfo(t, "rdb_bgsave_in_progress", "0")
	if got := p.info(t, "rdb_last_bgsave_status"); got != "err" {
		t.Errorf("rdb_last_bgsave_status:%s", got)
	}
	for _, cmd := range [][]string{{"SET", "refused", "3"}, {"PING"}} {
		if v := p.call(t, cmd...); v.Kind != resp.Error || string(v.Str) != misconfRDB {
			t.Errorf("%q after a failed BGSAVE: %s", cmd, v)
		}
	}
	if v := p.call(t, "GET", "acked"); string(v.Str) != "2" {
		t.Errorf("GET during MISCONF: %s", v)
	}
	if v := p.call(t, "BGREWRITEAOF"); v.Kind != resp.Error {
		t.Errorf("BGREWRITEAOF into an unwritable directory: %s", v)
	}
	if got := p.info(t, "aof_last_bgrewrite_status"); got != "err" {
		t.Errorf("aof_last_bgrewrite_status:%s", got)
	}
	if log := p.log.String(); !strings.Contains(log, "Background saving error") || !strings.Contains(log, dir) {
		t.Errorf("the log does not say what failed, and where:\n%s", log)
	}
	restore()
	if got, _ := os.ReadFile(filepath.Join(dir, "photon.rdb")); !bytes.Equal(got, snapshot) {
		t.Error("the failed save changed the snapshot")
	}
	if v := p.call(t, "BGSAVE"); v.String() != "+Background saving started" {
		t.Errorf("BGSAVE: %s", v)
	}
	p.waitInfo(t, "rdb_last_bgsave_status", "ok")
	if v := p.call(t, "SET", "after", "4"); v.String() != "+OK" {
		t.Errorf("SET after a good save: %s", v)
	}
	p.kill()
	p = serve(t, bin, dir, args...)
	for k, want := range map[string]string{"before": "1", "acked": "2", "after": "4"} {
		if v := p.call(t, "GET", k); string(v.Str) != want {
			t.Errorf("after the restart, %s is %s, want %s", k, v, want)
		}
	}
}

// Ensure that on a full disk (a small tmpfs) the append-only file's
// failed writes turn writes away with MISCONF and are retried, a
// BGSAVE fails without harming the old snapshot, and that once space is
// freed everything acknowledged is on disk. It needs root to mount the
// tmpfs, and is skipped without it.
func testDiskFull(t *testing.T, bin string) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs to fill needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	filler := filepath.Join(dir, "filler")
	if err := os.WriteFile(filler, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--appendonly", "yes", "--appendfsync", "everysec", "--save", "3600 1"}
	p := serve(t, bin, dir, args...)
	p.call(t, "SET", "first", "1")
	p.call(t, "SAVE")
	snapshot, _ := os.ReadFile(filepath.Join(dir, "photon.rdb"))

	val := strings.Repeat("v", 4096)
	acked := 0
	var refused resp.Value
	for i := range 1000 {
		v := p.call(t, "SET", "k"+strconv.Itoa(i), val)
		if v.Kind == resp.Error {
			refused = v
			break
		}
		acked++
	}
	const misconfAOF = "MISCONF Errors writing to the AOF file: No space left on device"
	if string(refused.Str) != misconfAOF {
		t.Fatalf("writing until the disk is full: %d acknowledged, then %s; want %q\n%s", acked, refused, misconfAOF, p.log)
	}
	if got := p.info(t, "aof_last_write_status"); got != "err" {
		t.Errorf("aof_last_write_status:%s on a full disk", got)
	}
	if v := p.call(t, "BGSAVE"); v.String() != "+Background saving started" {
		t.Errorf("BGSAVE: %s", v)
	}
	p.waitInfo(t, "rdb_last_bgsave_status", "err")
	if got, _ := os.ReadFile(filepath.Join(dir, "photon.rdb")); !bytes.Equal(got, snapshot) {
		t.Error("the failed save changed the snapshot")
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	p.waitInfo(t, "aof_last_write_status", "ok") // the retry, within a second
	if v := p.call(t, "BGSAVE"); v.String() != "+Background saving started" {
		t.Errorf("BGSAVE: %s", v)
	}
	p.waitInfo(t, "rdb_last_bgsave_status", "ok")
	if v := p.call(t, "SET", "last", "1"); v.String() != "+OK" {
		t.Errorf("SET with space again: %s", v)
	}
	p.kill()
	p = serve(t, bin, dir, args...)
	if v := p.call(t, "DBSIZE"); v.Int != int64(acked)+2 {
		t.Errorf("after the restart DBSIZE is %d, want the %d keys acknowledged\n%s", v.Int, acked+2, p.log)
	}
	if v := p.call(t, "GET", "k"+strconv.Itoa(acked-1)); string(v.Str) != val {
		t.Errorf("the last key acknowledged before the disk filled is %.20s", v)
	}
}
