package engine

import (
	"errors"
	"strconv"
)

// Serializer turns one value into the payload of Redis's DUMP and back:
// a type byte, the value as an RDB file stores it, the RDB version in two
// bytes and a CRC64 of everything before it. The engine does not know the
// format; package persist implements it, and Options.Serializer hands it
// to the engine.
type Serializer interface {
	// Dump returns v's DUMP payload.
	Dump(v Value) ([]byte, error)
	// Restore returns the value a DUMP payload holds, as a new value the
	// engine keeps. It returns ErrDumpPayload when the payload's footer
	// (its RDB version or checksum) is wrong, and another error when the
	// value itself cannot be read.
	Restore(payload []byte) (Value, error)
}

// dumpCommands are DUMP and RESTORE, the generic group's rows that move a
// value in and out as bytes.
func dumpCommands() []*Command {
	return []*Command{
		{Name: "DUMP", Group: "generic", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Return a serialized version of the value stored at the specified key.", Since: "2.6.0", Run: cmdDump},
		{Name: "RESTORE", Group: "generic", Arity: -4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args:    "key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]",
			Summary: "Create a key using the provided serialized value, previously obtained using DUMP.", Since: "2.6.0", Run: cmdRestore},
	}
}

// These errors can occur when RESTORE is given a payload it cannot read,
// a key that exists, or options out of range.
var (
	// ErrDumpPayload is also what a Serializer returns for a payload
	// whose version or checksum is wrong.
	ErrDumpPayload   = errf("DUMP payload version or checksum are wrong")
	ErrBadDataFormat = errf("Bad data format")
	ErrBusyKey       = &Error{Code: "BUSYKEY", Msg: "Target key name already exists."}
	ErrNoSerializer  = errf("DUMP and RESTORE are not configured")
	errRestoreTTL    = errf("Invalid TTL value, must be >= 0")
	errIdletime      = errf("Invalid IDLETIME value, must be >= 0")
	errFreq          = errf("Invalid FREQ value, must be >= 0 and <= 255")
)

func cmdDump(db *DB, args [][]byte) (Reply, error) {
	ser := db.eng.opts.Serializer
	if ser == nil {
		return nil, ErrNoSerializer
	}
	v, ok := db.lookupRead(args[1])
	if !ok {
		return nil, nil
	}
	return ser.Dump(Value{v})
}

// restoreOptions are RESTORE's options after the payload.
type restoreOptions struct {
	replace bool  // REPLACE: overwrite an existing key
	absttl  bool  // ABSTTL: ttl is a unix time in milliseconds
	idle    int64 // IDLETIME seconds; -1: not given
	freq    int64 // FREQ; -1: not given
}

// parseRestore reads RESTORE's options as Redis's restoreCommand does:
// IDLETIME and FREQ exclude each other, and a value out of range is an
// error as soon as it is read. PhotonDB keeps no access times or
// frequencies, so it only checks them.
func parseRestore(args [][]byte) (restoreOptions, error) {
	o := restoreOptions{idle: -1, freq: -1}
	for i := 4; i < len(args); i++ {
		more := len(args) - i - 1
		switch a := args[i]; {
		case equalFold(a, "REPLACE"):
			o.replace = true
		case equalFold(a, "ABSTTL"):
			o.absttl = true
		case equalFold(a, "IDLETIME") && more >= 1 && o.freq == -1:
			n, err := intArg(args[i+1])
			if err != nil {
				return o, err
			}
			if n < 0 {
				return o, errIdletime
			}
			o.idle = n
			i++
		case equalFold(a, "FREQ") && more >= 1 && o.idle == -1:
			n, err := intArg(args[i+1])
			if err != nil {
				return o, err
			}
			if n < 0 || n > 255 {
				return o, errFreq
			}
			o.freq = n
			i++
		default:
			return o, ErrSyntax
		}
	}
	return o, nil
}

// cmdRestore follows Redis 7.0's restoreCommand step by step: options, an
// existing key, the TTL, the payload's footer, then its value. A TTL in
// the past stores nothing (and deletes a key REPLACE named). A relative
// TTL is journaled as the absolute time with ABSTTL, as Redis propagates
// it.
func cmdRestore(db *DB, args [][]byte) (Reply, error) {
	o, err := parseRestore(args)
	if err != nil {
		return nil, err
	}
	key := args[1]
	_, exists := db.lookup(key)
	if exists && !o.replace {
		return nil, ErrBusyKey
	}
	ttl, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	if ttl < 0 {
		return nil, errRestoreTTL
	}
	ser := db.eng.opts.Serializer
	if ser == nil {
		return nil, ErrNoSerializer
	}
	v, err := ser.Restore(args[3])
	if err != nil {
		if errors.Is(err, ErrDumpPayload) {
			return nil, ErrDumpPayload
		}
		return nil, ErrBadDataFormat
	}
	if exists {
		db.remove(key)
	}
	if ttl != 0 && !o.absttl {
		ttl += db.now() // wraps around as Redis's does, into the past
	}
	if ttl != 0 && ttl <= db.now() {
		if exists {
			db.changed(1)
			db.propagate([]byte("DEL"), clone(key))
		}
		return OK, nil
	}
	at := int64(-1)
	if ttl != 0 {
		at = ttl
	}
	db.store(key, v.v, at)
	db.changed(1)
	if ttl != 0 && !o.absttl {
		p := make([][]byte, 0, len(args)+1)
		for _, a := range args {
			p = append(p, clone(a))
		}
		p[2] = strconv.AppendInt(nil, ttl, 10)
		db.propagate(append(p, []byte("ABSTTL"))...)
	}
	return OK, nil
}
