// Package bench measures speed, as `photon bench` shows it: a load
// generator for any RESP server, and the original PhotonDB's benchmark
// table run in-process.
//
// The load generator mirrors redis-benchmark: the same tests, commands,
// values, random keys and output formats, so that its figures compare
// with redis-benchmark's. It is built so that the client is not what
// limits them: every command of a test is formatted once, with its
// random fields overwritten in place before each send; each client is a
// goroutine with one connection that writes a whole pipeline with one
// write and reads replies by skipping over them, without parsing them
// into values or allocating; and the only memory the clients share is a
// few counters touched once per batch.
//
// Latencies go into a Histogram of log-linear buckets, as HdrHistogram
// keeps them: recording costs an index computation, percentiles are read
// in one pass over the buckets, and nothing is ever sorted. Each client
// keeps its own; they are merged when a test ends.
//
// The embedded table runs the original's rows (SET, GET, INCR, LPUSH,
// HSET of a million keys, SAVE and LOAD of a million keys) through
// engine.Exec, as a client's commands run, and prints the original's
// times beside this build's.
package bench
