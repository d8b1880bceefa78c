package resp_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/photondb/photon/resp"
)

// A server reads pipelined commands, RESP or inline, and answers each one;
// it flushes when no more input is buffered.
func ExampleReader_ReadCommand() {
	in := "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\nGET key\r\nECHO \"two words\\n\"\r\n"
	r := resp.NewReader(strings.NewReader(in))
	for {
		args, err := r.ReadCommand()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%q, %d bytes still buffered\n", args, r.Buffered())
	}
	// Output:
	// ["SET" "key" "value"], 29 bytes still buffered
	// ["GET" "key"], 20 bytes still buffered
	// ["ECHO" "two words\n"], 0 bytes still buffered
}

// A protocol error carries the message Redis sends before it closes the
// connection.
func ExampleProtocolError() {
	r := resp.NewReader(strings.NewReader("*1\r\n$-5\r\n"))
	_, err := r.ReadCommand()
	fmt.Println(err)
	// Output:
	// Protocol error: invalid bulk length
}

// A client reads replies of any type.
func ExampleReader_ReadValue() {
	in := "+OK\r\n$-1\r\n%2\r\n$4\r\nname\r\n$6\r\nphoton\r\n$5\r\nproto\r\n:3\r\n,3.14\r\n"
	r := resp.NewReader(strings.NewReader(in))
	for {
		v, err := r.ReadValue()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v)
	}
	// Output:
	// +OK
	// nil
	// %{"name": "photon", "proto": :3}
	// ,3.1400000000000001
}

// The same reply, written for a RESP2 and a RESP3 connection.
func ExampleWriter() {
	for _, proto := range []int{2, 3} {
		var buf bytes.Buffer
		w := resp.NewWriter(&buf)
		w.Proto = proto
		w.WriteMap(1)
		w.WriteBulkString("score")
		w.WriteDouble(1.5)
		w.WriteNull()
		if err := w.Flush(); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("RESP%d: %q\n", proto, buf.String())
	}
	// Output:
	// RESP2: "*2\r\n$5\r\nscore\r\n$3\r\n1.5\r\n$-1\r\n"
	// RESP3: "%1\r\n$5\r\nscore\r\n,1.5\r\n_\r\n"
}
