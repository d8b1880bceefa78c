package engine

// Reply is what a command answers. It is one of a closed set, which the
// server encodes as RESP2 or RESP3 for the connection that asked:
//
//	nil          null bulk string ($-1, or _ in RESP3)
//	Status       simple string (+OK)
//	[]byte       bulk string
//	int64        integer
//	*Int         integer held in the session until its next command
//	*Bulk        bulk string held in the session until its next command
//	[]Reply      array
//	Bulks        array of bulk strings, a nil element being a null bulk
//	BulkMap      map of bulk strings: field, value, field, value...
//	NullArray    null array (*-1, or _ in RESP3)
//	Double       double (a bulk string in RESP2)
//	Map          map of key, value pairs (a flat array in RESP2)
//	Set          set (an array in RESP2)
//	Push         out-of-band push message (an array in RESP2)
//	Verbatim     verbatim text (a bulk string in RESP2)
//	*Error       an error inside an array (EXEC); top-level errors are returned as error
//	Replies      several replies, written one after another (SUBSCRIBE a b)
//	NoReply      nothing at all: the server writes no reply (SHUTDOWN, a second MONITOR)
//
// A Reply never aliases memory that another command may change after Exec
// returns: values are replaced, not mutated in place, or copied.
type Reply any

// Bulk is a bulk string reply that costs no allocation: the handler
// returns a pointer to one of the session's own, which stays unchanged
// until the session's next command (or, in ExecBatch, the next run of
// commands), by which time the caller has written it. A caller that keeps
// replies longer must copy B.
type Bulk struct{ B []byte }

// Int is an integer reply that costs no allocation, as INCR answers:
// boxing an int64 of 256 or more into a Reply allocates. Like a *Bulk, it
// is the session's own and stays unchanged until the session's next
// command or run of commands.
type Int struct{ N int64 }

// Bulks is an array of bulk strings, as LRANGE and MGET answer; a nil
// element is a null bulk string. It spares a []Reply of boxed elements.
// LRANGE's may be carved from the session's own array (see DB.bulks), and
// then, like a *Bulk, stays unchanged only until the session's next
// command or run of commands.
type Bulks [][]byte

// BulkMap is a map whose keys and values are bulk strings, as HGETALL
// answers: field, value, field, value... A RESP2 client sees a flat array.
type BulkMap [][]byte

// Status is a simple string reply, such as OK or PONG.
type Status string

// NullArray is the null array reply, as BLPOP gives on timeout.
type NullArray struct{}

// Double is a floating point reply.
type Double float64

// Map holds key, value, key, value... A RESP2 client sees a flat array.
type Map []Reply

// Set is an unordered collection reply. A RESP2 client sees an array.
type Set []Reply

// Push is an out-of-band message such as a pub/sub message.
type Push []Reply

// Replies is several replies to one command, written one after another:
// SUBSCRIBE answers once per channel.
type Replies []Reply

// Verbatim is text meant to be shown as is, such as INFO's reply.
type Verbatim string

// NoReply is the answer of a command that Redis answers with nothing: a
// SHUTDOWN that succeeded (the connection closes instead) or MONITOR sent
// by a client that already monitors. The server writes nothing for it.
type NoReply struct{}

// Common replies, allocated once.
var (
	OK   Reply = Status("OK")
	Pong Reply = Status("PONG")
)

var (
	zero Reply = int64(0)
	one  Reply = int64(1)
)

func boolReply(b bool) Reply {
	if b {
		return one
	}
	return zero
}
