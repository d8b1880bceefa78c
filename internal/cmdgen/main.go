// Command cmdgen writes the command metadata of engine/zz_commandmeta.go
// from a real redis-server 7.0.15: what COMMAND INFO and COMMAND DOCS say
// about every command and subcommand beyond what PhotonDB's command table
// states (flags, ACL categories, tips, key specs, complexity, history,
// arguments...), and, for a test in zz_commandmeta_test.go, what they say
// where the table speaks too (arity, key positions, summary, since and
// group), so that the test catches a row that drifts from Redis.
//
// It runs from go generate in engine/ and starts its own redis-server
// (the one on the PATH, or -server) on a free loopback port, or reads
// from one already running at -addr:
//
//	go generate ./engine
//	go run ./internal/cmdgen -addr 127.0.0.1:6380 -out engine/zz_commandmeta.go -facts engine/zz_commandmeta_test.go
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("cmdgen: ")
	out := flag.String("out", "zz_commandmeta.go", "the Go file to write the metadata to")
	facts := flag.String("facts", "zz_commandmeta_test.go", "the Go test file to write the facts the command table states too to")
	addr := flag.String("addr", "", "host:port of a running redis-server; empty: start one")
	server := flag.String("server", "redis-server", "the redis-server to start when -addr is empty")
	version := flag.String("version", "7.0.15", "the Redis version the metadata must come from")
	flag.Parse()
	if err := run(*out, *facts, *addr, *server, *version); err != nil {
		log.Fatal(err)
	}
}

func run(out, facts, addr, server, version string) error {
	if addr == "" {
		s, err := startServer(server)
		if err != nil {
			return err
		}
		defer s.stop()
		addr = s.addr
	}
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.close()
	got, err := c.version()
	if err != nil {
		return err
	}
	if got != version {
		return fmt.Errorf("%s runs Redis %s, not %s", addr, got, version)
	}
	cmds, err := c.commands()
	if err != nil {
		return err
	}
	source := fmt.Sprintf("redis-server %s (COMMAND INFO and COMMAND DOCS)", version)
	if err := writeGo(out, metaFile(source, cmds)); err != nil {
		return err
	}
	if err := writeGo(facts, factsFile(source, cmds)); err != nil {
		return err
	}
	log.Printf("wrote %d commands and subcommands to %s and %s", len(cmds), out, facts)
	return nil
}

// writeGo formats Go source and writes it to path.
func writeGo(path string, src []byte) error {
	formatted, err := formatSource(src)
	if err != nil {
		return fmt.Errorf("format %s: %w", path, err)
	}
	return os.WriteFile(path, formatted, 0o644)
}
