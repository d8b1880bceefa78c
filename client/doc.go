// Package client talks to a RESP server: a PhotonDB server, the in-process
// server behind the shell, or a real Redis.
//
// A Client owns one connection. Do sends a command and waits for its
// reply; Send and Receive split the two halves so that a caller can
// pipeline many commands or, later, read the messages of a subscription.
// A reply that is a Redis error (-ERR ...) is an ordinary Value of Kind
// resp.Error: Go errors are kept for failures of the connection and of
// the protocol, after which the Client is unusable.
package client
