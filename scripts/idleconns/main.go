// Command idleconns opens many idle client connections to a server that
// speaks the Redis protocol and holds them until it is interrupted.
// scripts/idle-connections.sh uses it to measure what an idle client
// costs the server.
//
//	go run ./scripts/idleconns -addr 127.0.0.1:6379 -n 10000
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	n := flag.Int("n", 10000, "connections to open")
	flag.Parse()
	if err := run(*addr, *n); err != nil {
		fmt.Fprintln(os.Stderr, "idleconns:", err)
		os.Exit(1)
	}
}

func run(addr string, n int) error {
	// Catch signals before the first connection, so that an early one
	// still closes every connection opened so far.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	pong := make([]byte, len("+PONG\r\n"))
	for i := range n {
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			return fmt.Errorf("connection %d of %d: %w", i+1, n, err)
		}
		conns = append(conns, c)
		// An answered PING means the server has set the connection up
		// as it sets up any client, buffers included.
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, "PING\r\n"); err != nil {
			return fmt.Errorf("connection %d of %d: %w", i+1, n, err)
		}
		if _, err := io.ReadFull(c, pong); err != nil || string(pong) != "+PONG\r\n" {
			return fmt.Errorf("connection %d of %d: PING answered %q, %v", i+1, n, pong, err)
		}
		c.SetDeadline(time.Time{})
		select {
		case <-sig:
			return fmt.Errorf("interrupted after %d connections", i+1)
		default:
		}
	}
	fmt.Printf("%d connections open\n", len(conns))
	<-sig
	return nil
}
