package server_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
	"github.com/photondb/photon/server"
)

// BenchmarkServer_Pipeline sends batches of 16 pipelined commands over a
// loopback TCP connection and reads their replies: one op is one batch.
// The client side encodes its batch once and skips replies without
// allocating, so allocs/op are the server's. "timeout" serves with an
// idle timeout, whose deadline bookkeeping is on the read path.
func BenchmarkServer_Pipeline(b *testing.B) {
	const depth = 16
	cases := []struct {
		name string
		args []string
		opts server.Options
	}{
		{"GET", []string{"GET", "key:000000000001"}, server.Options{}},
		{"SET", []string{"SET", "key:000000000001", strings.Repeat("x", 3)}, server.Options{}},
		{"GET timeout", []string{"GET", "key:000000000001"}, server.Options{Timeout: time.Hour}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			_, addr := startServer(b, engine.Options{}, tc.opts)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			var batch strings.Builder
			w := resp.NewWriter(&batch)
			w.WriteCommandStrings("SET", "key:000000000001", "xxx")
			for range depth {
				w.WriteCommandStrings(tc.args...)
			}
			w.Flush()
			// The SET in front of the first batch makes GET hit; its
			// reply is read with the first batch's.
			first := []byte(batch.String())
			w.Reset(&batch)
			batch.Reset()
			for range depth {
				w.WriteCommandStrings(tc.args...)
			}
			w.Flush()
			req := []byte(batch.String())
			br := bufio.NewReaderSize(c, 64<<10)
			if _, err := c.Write(first); err != nil {
				b.Fatal(err)
			}
			if err := skipReplies(br, depth+1); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(req)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				if err := skipReplies(br, depth); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// skipReplies reads n replies of the kinds GET and SET give (+OK, a bulk
// string, a null) without allocating.
func skipReplies(br *bufio.Reader, n int) error {
	for range n {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if line[0] != '$' || line[1] == '-' {
			continue
		}
		size := 0
		for _, c := range line[1 : len(line)-2] {
			size = size*10 + int(c-'0')
		}
		if _, err := br.Discard(size + 2); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkCommand runs single commands as the server runs each one a
// client sends without pipelining (redis-benchmark -P 1): a batch of one
// through engine.ExecBatch, its reply encoded by the server's writeReply
// into a resp.Writer whose bytes go to io.Discard. One op is one command,
// so ns/op and allocs/op are the CPU and garbage per command outside the
// system calls. Keys and values are redis-benchmark's, without -r.
func BenchmarkCommand(b *testing.B) {
	cases := []struct {
		name  string
		setup [][]string
		args  []string
	}{
		{"GET", [][]string{{"SET", "key:__rand_int__", "xxx"}}, []string{"GET", "key:__rand_int__"}},
		{"SET", nil, []string{"SET", "key:__rand_int__", "xxx"}},
		{"INCR", nil, []string{"INCR", "counter:__rand_int__"}},
		{"LPUSH", nil, []string{"LPUSH", "mylist", "xxx"}},
		{"HSET", nil, []string{"HSET", "myhash", "element:__rand_int__", "xxx"}},
		{"LRANGE_100", [][]string{listOf(600)}, []string{"LRANGE", "mylist", "0", "99"}},
		{"LRANGE_600", [][]string{listOf(600)}, []string{"LRANGE", "mylist", "0", "599"}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			e := engine.New(engine.Options{})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { e.Run(ctx); close(done) }()
			b.Cleanup(func() { cancel(); <-done })
			s := e.NewSession()
			for _, args := range tc.setup {
				if _, err := e.Exec(s, bytesArgs(args)); err != nil {
					b.Fatal(err)
				}
			}
			w := resp.NewWriter(io.Discard)
			reply := func(r engine.Reply, err error) {
				if err != nil {
					b.Fatal(err)
				}
				w.Proto = s.Proto()
				server.WriteReply(w, r)
			}
			cmds := [][][]byte{bytesArgs(tc.args)}
			b.ReportAllocs()
			for b.Loop() {
				e.ExecBatch(s, cmds, reply)
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// listOf returns the LPUSH that gives mylist n elements "xxx", as
// redis-benchmark's LRANGE tests find it.
func listOf(n int) []string {
	args := []string{"LPUSH", "mylist"}
	for range n {
		args = append(args, "xxx")
	}
	return args
}

// bytesArgs returns args as a command's arguments.
func bytesArgs(args []string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}
