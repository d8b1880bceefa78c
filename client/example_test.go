package client_test

import (
	"fmt"
	"net"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/resp"
)

// A Client can talk over any net.Conn. Here a goroutine on the other end
// of a pipe plays a tiny server that knows PING and GET.
func ExampleClient_Do() {
	cc, sc := net.Pipe()
	go func() {
		defer sc.Close()
		r, w := resp.NewReader(sc), resp.NewWriter(sc)
		for {
			args, err := r.ReadCommand()
			if err != nil {
				return
			}
			switch string(args[0]) {
			case "PING":
				w.WriteSimple("PONG")
			case "GET":
				w.WriteBulkString("alice")
			default:
				w.WriteError(fmt.Sprintf("ERR unknown command '%s'", args[0]))
			}
			w.Flush()
		}
	}()

	c := client.New(cc)
	defer c.Close()
	for _, cmd := range [][]string{{"PING"}, {"GET", "name"}, {"NOPE"}} {
		v, err := c.Do(cmd...)
		if err != nil {
			fmt.Println("connection failed:", err)
			return
		}
		fmt.Printf("%s: kind %d, %q\n", cmd[0], v.Kind, v.Str)
	}
	// Output:
	// PING: kind 1, "PONG"
	// GET: kind 4, "alice"
	// NOPE: kind 2, "ERR unknown command 'NOPE'"
}

// Send and Receive pipeline commands: all are sent at once, then the
// replies are read in order.
func ExampleClient_Send() {
	cc, sc := net.Pipe()
	go func() {
		defer sc.Close()
		r, w := resp.NewReader(sc), resp.NewWriter(sc)
		n := int64(0)
		for {
			if _, err := r.ReadCommand(); err != nil {
				return
			}
			n++
			w.WriteInt(n)
			if r.Buffered() == 0 {
				w.Flush()
			}
		}
	}()

	c := client.New(cc)
	defer c.Close()
	for range 3 {
		c.Send([]byte("INCR"), []byte("counter"))
	}
	for range 3 {
		v, err := c.Receive()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v.Int)
	}
	// Output:
	// 1
	// 2
	// 3
}
