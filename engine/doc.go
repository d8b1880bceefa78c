// Package engine is the database itself: sixteen numbered keyspaces of
// strings, lists and hashes, key expiry, the command table, and Exec, which
// runs one command atomically with respect to every other.
//
// The engine knows nothing of sockets, terminals, flags or file formats.
// Everything it needs from outside — a journal of writes, a way to save a
// snapshot — it declares as an interface that another package satisfies.
// Replies are protocol-neutral values (see Reply); the caller encodes them.
package engine
