package server_test

import (
	"bufio"
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
