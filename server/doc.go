// Package server serves an engine over the Redis protocol: a listener,
// event loops and goroutines reading pipelined commands and writing their
// replies in RESP2 or RESP3, limits, the background snapshot schedule,
// and an orderly shutdown.
//
// On Linux, plain TCP clients are served by event loops (loop_linux.go):
// each waits on an epoll set of its clients' sockets, reads a ready
// socket once, runs the commands that arrived whole and writes their
// replies. A client whose command may hold it (a blocking pop,
// SUBSCRIBE, MONITOR), or whose input the loop's buffer cannot take or
// that breaks the protocol, moves to a goroutine of its own, as TLS
// clients and the shell's are served from the start.
//
// Whoever serves a connection, loop or goroutine, is the only writer of
// its socket. Replies to commands go through a buffered writer flushed
// when the input is drained, so a client that sends without reading holds
// up only itself. Out-of-band replies (MONITOR lines, pub/sub messages),
// which other goroutines produce, wait in a per-connection queue that the
// server writes when the connection next waits for input: a push wakes a
// loop through its eventfd, and a goroutine by moving its read deadline
// into the past, below the protocol reader, so that a command half
// received is not disturbed. The queue is bounded: a client that lets it
// grow beyond the output buffer limit is closed.
//
// Limits and refusals follow Redis 7, with its messages: maxclients,
// protected mode, the idle timeout (from which clients in a push mode are
// exempt), proto-max-bulk-len, the 64 KiB inline limit and
// client-query-buffer-limit. The settings CONFIG SET changes have setters
// safe to call while clients are served.
//
// TLS is the listener's concern: Serve a tls.NewListener with a
// configuration from LoadTLSConfig, and each connection's handshake runs
// in its own goroutine.
//
// Shutdown lets each connection finish the command it is running and
// write what it owes before closing it; Close closes everything at once.
package server
