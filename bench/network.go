package bench

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config is a network run: the server, the load, and what to print.
// Fields mirror redis-benchmark's options, named after them.
type Config struct {
	Addr       string      // host:port of the server (-h, -p)
	User       string      // --user: AUTH user password; "" sends AUTH password
	Password   string      // -a: sent with AUTH on every connection; "" sends none
	DB         int         // --dbnum: SELECTed on every connection when not 0
	Clients    int         // -c: connections, each with one request (or pipeline) in flight
	Requests   int         // -n: requests per test, over all clients
	Pipeline   int         // -P: commands written at once per client
	DataSize   int         // -d: bytes of the value SET, LPUSH, HSET... send
	RandomKeys bool        // -r given: replace __rand_int__ in commands
	KeySpace   int         // -r: random numbers are below this (0: always 0)
	Tests      []string    // -t: names from TestNames; empty runs the whole suite
	Command    []string    // a command to run instead of the suite, as given after the flags
	TLS        *tls.Config // --tls: handshake with this configuration; nil is plain TCP

	Format   Format    // how results are printed
	Out      io.Writer // results
	Progress io.Writer // live progress, overwritten in place; nil for none (not a terminal)
}

// Defaults returns redis-benchmark's defaults: 127.0.0.1:6379, 50
// clients, 100000 requests, no pipelining, 3-byte values, every test.
func Defaults() Config {
	return Config{Addr: "127.0.0.1:6379", Clients: 50, Requests: 100000, Pipeline: 1, DataSize: 3}
}

// These limits bound what Validate accepts.
const (
	maxClients  = 100000
	maxPipeline = 1 << 20
	maxDataSize = 512 << 20 // Redis's largest string
)

// Validate checks the settings and names the first that is wrong.
// redis-benchmark quietly turns bad numbers into its defaults (-P 0
// becomes 1, -d 0 becomes 1); photon says so instead.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("server address %q: %w", c.Addr, err)
	}
	switch {
	case c.Clients < 1 || c.Clients > maxClients:
		return fmt.Errorf("-c %d: the number of clients must be between 1 and %d", c.Clients, maxClients)
	case c.Requests < 1:
		return fmt.Errorf("-n %d: the number of requests must be at least 1", c.Requests)
	case c.Pipeline < 1 || c.Pipeline > maxPipeline:
		return fmt.Errorf("-P %d: the pipeline depth must be between 1 and %d", c.Pipeline, maxPipeline)
	case c.DataSize < 1 || c.DataSize > maxDataSize:
		return fmt.Errorf("-d %d: the value size must be between 1 and %d bytes", c.DataSize, maxDataSize)
	case c.KeySpace < 0:
		return fmt.Errorf("-r %d: the keyspace size must not be negative", c.KeySpace)
	case c.DB < 0:
		return fmt.Errorf("--dbnum %d: the database number must not be negative", c.DB)
	case c.User != "" && c.Password == "":
		return errors.New("--user needs a password (-a)")
	}
	for _, n := range c.Tests {
		if _, err := ParseTests(n); err != nil {
			return err
		}
	}
	return nil
}

// Run runs the selected tests, or the custom command, one after the
// other against the server, printing each result as it completes (or
// all of them at the end for JSON), and returns the results.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	tests := plan(cfg.Tests, payload(cfg.DataSize), cfg.RandomKeys)
	if len(cfg.Command) > 0 {
		tests = []test{customTest(cfg.Command)}
	}
	rep := newReporter(cfg.Out, cfg.Format, networkHeader(cfg))
	var results []Result
	for _, t := range tests {
		res, err := runTest(ctx, cfg, t)
		if err != nil {
			return results, fmt.Errorf("%s: %w", t.title, err)
		}
		results = append(results, res)
		if err := rep.result(res); err != nil {
			return results, err
		}
	}
	return results, rep.finish()
}

// networkHeader describes a network run for JSON output.
func networkHeader(cfg Config) map[string]any {
	return map[string]any{
		"mode":       "network",
		"addr":       cfg.Addr,
		"tls":        cfg.TLS != nil,
		"clients":    cfg.Clients,
		"requests":   cfg.Requests,
		"pipeline":   cfg.Pipeline,
		"data_size":  cfg.DataSize,
		"random":     cfg.RandomKeys,
		"keyspace":   cfg.KeySpace,
		"started_at": time.Now().UTC().Format(time.RFC3339),
	}
}

// run is the state of one test shared by its clients. The counters are
// the only memory clients write in common, once per batch of replies.
type run struct {
	total    int64        // requests to send
	pipeline int          // commands per batch
	issued   atomic.Int64 // requests claimed by clients
	_        [56]byte     // keep the claim counter off the progress counters' cache line
	done     atomic.Int64 // replies received
	latSum   atomic.Int64 // of every reply's latency, nanoseconds, for the progress line

	stopOnce sync.Once
	err      error // the first failure; set once, read after every client returned
	conns    []*client
}

// fail records the first error and closes every connection, so that
// every client blocked in a read returns.
func (r *run) fail(err error) {
	r.stopOnce.Do(func() {
		r.err = err
		for _, c := range r.conns {
			if c != nil {
				c.conn.Close()
			}
		}
	})
}

// runTest connects the clients, runs one test to its last reply, and
// closes them.
func runTest(ctx context.Context, cfg Config, t test) (Result, error) {
	r := &run{total: int64(cfg.Requests), pipeline: cfg.Pipeline, conns: make([]*client, cfg.Clients)}
	template := newTemplate(t, cfg.Pipeline, cfg.RandomKeys)
	if err := connectAll(ctx, cfg, r, template); err != nil {
		return Result{}, err
	}
	defer func() {
		for _, c := range r.conns {
			c.conn.Close()
		}
	}()
	stop := context.AfterFunc(ctx, func() { r.fail(ctx.Err()) })
	defer stop()

	prog := startProgress(cfg.Progress, t.title, r)
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range r.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.loop(r, cfg.KeySpace); err != nil {
				r.fail(err)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	prog.stop()
	stop()
	r.stopOnce.Do(func() {}) // waits for a fail in progress; none can start after
	if r.err != nil {
		return Result{}, r.err
	}

	var h Histogram
	res := Result{Test: t.title, Requests: cfg.Requests, Clients: cfg.Clients, Pipeline: cfg.Pipeline, DataSize: cfg.DataSize}
	if len(cfg.Command) > 0 {
		res.DataSize = len(template.one) // as redis-benchmark reports a custom command's size
	}
	for _, c := range r.conns {
		h.Merge(&c.hist)
		res.Errors += c.errors
		if res.FirstError == "" {
			res.FirstError = c.firstError
		}
	}
	res.setTiming(elapsed, &h)
	return res, nil
}

// connectAll dials every client at once (a few at a time, so that the
// listen backlog is not overrun) and readies it: TLS handshake, AUTH,
// SELECT. Nothing of this is timed.
func connectAll(ctx context.Context, cfg Config, r *run, tmpl *template) error {
	const parallel = 16
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := range r.conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dial(ctx, cfg, tmpl, uint64(i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = err
				}
				return
			}
			r.conns[i] = c
		}()
	}
	wg.Wait()
	if first != nil {
		for _, c := range r.conns {
			if c != nil {
				c.conn.Close()
			}
		}
		return first
	}
	return nil
}

// template is a test's batch of commands, formatted once; every client
// sends a copy of it.
type template struct {
	one   []byte // one command
	batch []byte // pipeline copies of it
	rands []int  // offsets in batch of every __rand_int__
}

// newTemplate formats pipeline copies of t's command and, when random is
// set, finds the placeholders to overwrite before each send.
func newTemplate(t test, pipeline int, random bool) *template {
	tm := &template{one: appendCommand(nil, t)}
	tm.batch = make([]byte, 0, len(tm.one)*pipeline)
	for range pipeline {
		tm.batch = append(tm.batch, tm.one...)
	}
	if random {
		for off := 0; ; {
			i := bytes.Index(tm.batch[off:], []byte(randPlaceholder))
			if i < 0 {
				break
			}
			tm.rands = append(tm.rands, off+i)
			off += i + len(randPlaceholder)
		}
	}
	return tm
}

// client is one connection and what its goroutine needs to drive it.
// Only that goroutine touches it while the test runs.
type client struct {
	conn  net.Conn
	out   []byte // the batch of commands
	one   int    // length of one command in out
	rands []int  // offsets of the random fields in out
	in    []byte // read buffer
	rng   uint64 // xorshift state

	hist       Histogram
	errors     int
	firstError string
}

// dial connects one client and readies it.
func dial(ctx context.Context, cfg Config, tmpl *template, id uint64) (*client, error) {
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("could not connect to %s: %w", cfg.Addr, err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	if cfg.TLS != nil {
		tconn := tls.Client(conn, cfg.TLS)
		if err := tconn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("could not negotiate a TLS connection with %s: %w", cfg.Addr, err)
		}
		conn = tconn
	}
	c := &client{
		conn:  conn,
		out:   bytes.Clone(tmpl.batch),
		one:   len(tmpl.one),
		rands: tmpl.rands,
		in:    make([]byte, 64<<10),
		rng:   uint64(time.Now().UnixNano()) ^ (id+1)*0x9E3779B97F4A7C15,
	}
	if c.rng == 0 {
		c.rng = 1
	}
	if err := c.prepare(cfg); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// prepare sends AUTH and SELECT, as configured, and checks their replies.
func (c *client) prepare(cfg Config) error {
	var cmds []test
	if cfg.Password != "" {
		auth := test{title: "AUTH", args: []string{"AUTH", cfg.Password}}
		if cfg.User != "" {
			auth.args = []string{"AUTH", cfg.User, cfg.Password}
		}
		cmds = append(cmds, auth)
	}
	if cfg.DB != 0 {
		cmds = append(cmds, test{title: "SELECT", args: []string{"SELECT", strconv.Itoa(cfg.DB)}})
	}
	for _, t := range cmds {
		if _, err := c.conn.Write(appendCommand(nil, t)); err != nil {
			return fmt.Errorf("%s to %s: %w", t.title, cfg.Addr, err)
		}
		reply, err := c.readOne()
		if err != nil {
			return fmt.Errorf("%s to %s: %w", t.title, cfg.Addr, err)
		}
		if reply[0] == '-' {
			return fmt.Errorf("%s: the server replied %s", t.title, firstLine(reply))
		}
	}
	return nil
}

// readOne reads exactly one reply, for the commands before the test.
func (c *client) readOne() ([]byte, error) {
	w := 0
	for {
		n, _, err := replyEnd(c.in[:w])
		if err == nil {
			return bytes.Clone(c.in[:n]), nil
		}
		if !errors.Is(err, errIncomplete) {
			return nil, err
		}
		if w == len(c.in) {
			c.in = append(c.in, make([]byte, len(c.in))...)
		}
		m, err := c.conn.Read(c.in[w:])
		if m == 0 && err != nil {
			return nil, readError(err)
		}
		w += m
	}
}

// loop sends batches and reads their replies until the test has claimed
// every request. Each batch is written with one write; each read
// timestamps the replies it completes, so that a reply's latency runs
// from the write of its batch to the read that brought its last byte.
func (c *client) loop(r *run, keyspace int) error {
	rd, wr := 0, 0 // window of unparsed bytes in c.in
	for {
		end := r.issued.Add(int64(r.pipeline))
		n := int64(r.pipeline)
		if end > r.total {
			n -= end - r.total
		}
		if n <= 0 {
			return nil
		}
		c.randomize(keyspace)
		start := time.Now()
		if _, err := c.conn.Write(c.out[:int(n)*c.one]); err != nil {
			return fmt.Errorf("writing to the server: %w", err)
		}
		pending := int(n)
		for pending > 0 {
			m, err := c.conn.Read(c.in[wr:])
			if m == 0 && err != nil {
				return readError(err)
			}
			now := time.Now()
			wr += m
			got := 0
			for pending > 0 {
				size, isErr, err := replyEnd(c.in[rd:wr])
				if err != nil {
					if errors.Is(err, errIncomplete) {
						break
					}
					return err
				}
				if isErr {
					c.errors++
					if c.firstError == "" {
						c.firstError = firstLine(c.in[rd : rd+size])
					}
				}
				rd += size
				pending--
				got++
			}
			if got > 0 {
				lat := now.Sub(start)
				c.hist.RecordN(lat, uint64(got))
				r.done.Add(int64(got))
				r.latSum.Add(int64(lat) * int64(got))
			}
			rd, wr = c.makeRoom(rd, wr)
		}
	}
}

// makeRoom moves the unparsed bytes to the front of the read buffer when
// it is full, and doubles it when one reply fills all of it.
func (c *client) makeRoom(rd, wr int) (int, int) {
	if rd == wr {
		return 0, 0
	}
	if wr < len(c.in) {
		return rd, wr
	}
	if rd > 0 {
		copy(c.in, c.in[rd:wr])
		return 0, wr - rd
	}
	c.in = append(c.in, make([]byte, len(c.in))...)
	return rd, wr
}

// randomize writes a fresh random number below keyspace, as 12
// zero-padded digits, over each placeholder in the batch.
func (c *client) randomize(keyspace int) {
	for _, off := range c.rands {
		var v uint64
		if keyspace > 0 {
			// xorshift64*: a few instructions, and good enough to spread keys.
			c.rng ^= c.rng >> 12
			c.rng ^= c.rng << 25
			c.rng ^= c.rng >> 27
			v = (c.rng * 2685821657736338717) % uint64(keyspace)
		}
		field := c.out[off : off+len(randPlaceholder)]
		for i := len(field) - 1; i >= 0; i-- {
			field[i] = '0' + byte(v%10)
			v /= 10
		}
	}
}

// readError says what a failed read means.
func readError(err error) error {
	if errors.Is(err, io.EOF) {
		return errors.New("the server closed the connection")
	}
	return fmt.Errorf("reading from the server: %w", err)
}
