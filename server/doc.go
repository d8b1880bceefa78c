// Package server serves an engine over the Redis protocol: a listener,
// one goroutine per connection reading pipelined commands and writing
// their replies in RESP2 or RESP3, limits, the background snapshot
// schedule, and an orderly shutdown.
package server
