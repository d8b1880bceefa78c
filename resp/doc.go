// Package resp reads and writes the Redis serialization protocol: RESP2,
// RESP3 and the inline commands a person types into telnet.
//
// A Reader turns bytes from a client into commands (argument slices) or
// bytes from a server into Values. A Writer encodes replies for a
// connection in the protocol version that connection chose.
package resp
