// Command zipfhit measures a server's cache hit ratio under a
// Zipf-distributed cache-aside workload. It sets maxmemory,
// maxmemory-policy and maxmemory-samples with CONFIG SET, empties the
// server with FLUSHALL, resets its statistics with CONFIG RESETSTAT, then
// runs a fixed sequence of keys drawn from math/rand's Zipf distribution:
// GET the key, and on a miss SET it with a value of -value bytes. The
// seed is fixed, so two servers see the same sequence. It prints the hit
// ratio (hits over GETs) after the warm-up, the keys held at the end, and
// the evictions INFO reports. scripts/compare-hitratio.sh runs it against
// photon serve and a real redis-server side by side.
//
//	go run ./scripts/zipfhit -addr 127.0.0.1:6379 -policy allkeys-lru
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// workload is what one run does, from the command line.
type workload struct {
	addr     string
	maxmem   string
	policy   string
	samples  int
	ops      int
	warmup   int
	keys     uint64
	s        float64
	valueLen int
	batch    int
	seed     int64
}

func main() {
	var w workload
	flag.StringVar(&w.addr, "addr", "127.0.0.1:6379", "server address")
	flag.StringVar(&w.maxmem, "maxmemory", "8mb", "maxmemory to set")
	flag.StringVar(&w.policy, "policy", "allkeys-lru", "maxmemory-policy to set")
	flag.IntVar(&w.samples, "samples", 5, "maxmemory-samples to set")
	flag.IntVar(&w.ops, "ops", 300000, "GETs to run, warm-up included")
	flag.IntVar(&w.warmup, "warmup", 100000, "GETs run before hits are counted")
	flag.Uint64Var(&w.keys, "keys", 200000, "distinct keys the workload may draw")
	flag.Float64Var(&w.s, "s", 1.1, "Zipf exponent (must be > 1)")
	flag.IntVar(&w.valueLen, "value", 100, "bytes of each value SET on a miss")
	flag.IntVar(&w.batch, "batch", 100, "GETs sent in one pipeline")
	flag.Int64Var(&w.seed, "seed", 1, "seed of the key sequence")
	flag.Parse()
	if err := run(w); err != nil {
		fmt.Fprintln(os.Stderr, "zipfhit:", err)
		os.Exit(1)
	}
}

// conn is a minimal pipelining client of the Redis protocol.
type conn struct {
	r *bufio.Reader
	w *bufio.Writer
}

// send buffers one command; flush sends what is buffered.
func (c *conn) send(args ...string) {
	fmt.Fprintf(c.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(c.w, "$%d\r\n%s\r\n", len(a), a)
	}
}

// reply reads one reply: nil for a null bulk string, otherwise its text.
// An error reply is returned as an error; arrays are not expected.
func (c *conn) reply() (*string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty reply line")
	}
	switch line[0] {
	case '+', ':':
		s := line[1:]
		return &s, nil
	case '-':
		return nil, fmt.Errorf("server error: %s", line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return nil, fmt.Errorf("bad bulk length %q", line)
		}
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := readFull(c.r, buf); err != nil {
			return nil, err
		}
		s := string(buf[:n])
		return &s, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}

// readFull fills buf from r.
func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// do sends one command and returns its reply.
func (c *conn) do(args ...string) (*string, error) {
	c.send(args...)
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	r, err := c.reply()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	return r, nil
}

// setup configures the server's memory limit, empties it and resets its
// statistics, evicted_keys among them.
func setup(c *conn, w workload) error {
	cmds := [][]string{
		{"CONFIG", "SET", "maxmemory", w.maxmem},
		{"CONFIG", "SET", "maxmemory-policy", w.policy},
		{"CONFIG", "SET", "maxmemory-samples", strconv.Itoa(w.samples)},
		{"FLUSHALL"},
		{"CONFIG", "RESETSTAT"},
	}
	for _, cmd := range cmds {
		if _, err := c.do(cmd...); err != nil {
			return err
		}
	}
	return nil
}

// info returns one field of INFO's section, or "?" when it is missing.
func info(c *conn, section, field string) string {
	r, err := c.do("INFO", section)
	if err != nil || r == nil {
		return "?"
	}
	for _, line := range strings.Split(*r, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	return "?"
}

func run(w workload) error {
	if w.s <= 1 {
		return fmt.Errorf("-s is %v; Zipf's exponent must be greater than 1", w.s)
	}
	if w.batch < 1 || w.ops < 1 || w.warmup < 0 || w.warmup >= w.ops {
		return fmt.Errorf("-batch %d, -ops %d, -warmup %d: need batch ≥ 1 and 0 ≤ warmup < ops",
			w.batch, w.ops, w.warmup)
	}
	nc, err := net.DialTimeout("tcp", w.addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	c := &conn{r: bufio.NewReaderSize(nc, 64<<10), w: bufio.NewWriterSize(nc, 64<<10)}
	if err := setup(c, w); err != nil {
		return err
	}
	zipf := rand.NewZipf(rand.New(rand.NewSource(w.seed)), w.s, 1, w.keys-1)
	value := strings.Repeat("v", w.valueLen)
	batch := make([]string, 0, w.batch)
	var gets, hits int
	start := time.Now()
	for done := 0; done < w.ops; {
		// One pipeline of GETs, then one of SETs for the misses: the
		// cache-aside pattern, batched.
		batch = batch[:0]
		for len(batch) < w.batch && done+len(batch) < w.ops {
			batch = append(batch, "key:"+strconv.FormatUint(zipf.Uint64(), 10))
		}
		for _, k := range batch {
			c.send("GET", k)
		}
		if err := c.w.Flush(); err != nil {
			return err
		}
		var misses []string
		for i, k := range batch {
			r, err := c.reply()
			if err != nil {
				return fmt.Errorf("GET %s: %w", k, err)
			}
			counted := done+i >= w.warmup
			if counted {
				gets++
			}
			if r != nil {
				if counted {
					hits++
				}
			} else {
				misses = append(misses, k)
			}
		}
		for _, k := range misses {
			c.send("SET", k, value)
		}
		if err := c.w.Flush(); err != nil {
			return err
		}
		for _, k := range misses {
			if _, err := c.reply(); err != nil {
				return fmt.Errorf("SET %s: %w", k, err)
			}
		}
		done += len(batch)
	}
	elapsed := time.Since(start)
	keys, _ := c.do("DBSIZE")
	dbsize := "?"
	if keys != nil {
		dbsize = *keys
	}
	fmt.Printf("policy=%s samples=%d maxmemory=%s hit_ratio=%.4f hits=%d gets=%d keys=%s evicted_keys=%s used_memory=%s seconds=%.1f\n",
		w.policy, w.samples, w.maxmem, float64(hits)/float64(gets), hits, gets, dbsize,
		info(c, "stats", "evicted_keys"), info(c, "memory", "used_memory"), elapsed.Seconds())
	return nil
}
