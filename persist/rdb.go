package persist

import (
	"errors"
	"fmt"
)

// RDB format constants, as in Redis's rdb.h.
const (
	rdbVersion    = 10 // the version Encode writes: Redis 7.0
	rdbMaxVersion = 12 // the newest version Decode reads: Redis 7.4

	// Opcodes that may appear where a value type is expected.
	opSlotInfo      = 244 // cluster slot sizes (RDB 12)
	opFunction2     = 245 // a function library
	opFunctionPreGA = 246 // a function library, Redis 7.0 release candidates
	opModuleAux     = 247 // module data not tied to a key
	opIdle          = 248 // LRU idle time of the next key
	opFreq          = 249 // LFU frequency of the next key
	opAux           = 250 // auxiliary field: two strings
	opResizeDB      = 251 // hash table sizes of the current database
	opExpireTimeMs  = 252 // expiry of the next key, unix milliseconds
	opExpireTime    = 253 // expiry of the next key, unix seconds
	opSelectDB      = 254 // switch database
	opEOF           = 255 // end of the keys; the checksum follows

	// Length encoding: the top two bits of the first byte.
	len6Bit  = 0
	len14Bit = 1
	lenEnc   = 3 // a specially encoded string follows
	len32Bit = 0x80
	len64Bit = 0x81

	// Special string encodings, after lenEnc.
	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3

	// Quicklist 2 node containers.
	containerPlain  = 1
	containerPacked = 2

	// Module value opcodes, used to skip module data.
	moduleOpEOF    = 0
	moduleOpSInt   = 1
	moduleOpUInt   = 2
	moduleOpFloat  = 3
	moduleOpDouble = 4
	moduleOpString = 5
)

// RDB value types.
const (
	typeString             = 0
	typeList               = 1
	typeSet                = 2
	typeZSet               = 3
	typeHash               = 4
	typeZSet2              = 5
	typeModulePreGA        = 6
	typeModule2            = 7
	typeHashZipmap         = 9
	typeListZiplist        = 10
	typeSetIntset          = 11
	typeZSetZiplist        = 12
	typeHashZiplist        = 13
	typeListQuicklist      = 14
	typeStreamListpacks    = 15
	typeHashListpack       = 16
	typeZSetListpack       = 17
	typeListQuicklist2     = 18
	typeStreamListpacks2   = 19
	typeSetListpack        = 20
	typeStreamListpacks3   = 21
	typeHashMetadataPreGA  = 22
	typeHashListpackExPreG = 23
	typeHashMetadata       = 24
	typeHashListpackEx     = 25
)

// Info describes an RDB file that Decode read.
type Info struct {
	Version int               // format version from the header
	Aux     map[string]string // auxiliary fields: redis-ver, ctime, used-mem, ...
	Keys    int               // keys read, including any the callback dropped as expired
	Skipped int               // keys and function libraries left out (LoadOptions.SkipUnsupported)
}

// FormatError reports an RDB file that cannot be read: what was wrong and
// the byte offset, from the start of the file, where it was found.
type FormatError struct {
	Offset int64  // byte offset in the file
	Msg    string // what was wrong
	Err    error  // underlying cause, if any: io.ErrUnexpectedEOF, ErrUnsupportedType, ...
}

// Error returns the message prefixed with the offset: "byte 1234: ...".
func (e *FormatError) Error() string { return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg) }

// Unwrap returns the underlying cause, so that errors.Is sees it.
func (e *FormatError) Unwrap() error { return e.Err }

// These errors can occur when reading or opening a file.
var (
	// ErrLocked means another process (or another File in this process)
	// holds the lock on the file.
	ErrLocked = errors.New("file is locked")

	// ErrUnsupportedType means a file holds something PhotonDB has no
	// type for: a stream or module key, a hash with field expiry (Redis
	// 7.4), a function library. It is wrapped in a FormatError that names
	// the key and its type, or the library.
	ErrUnsupportedType = errors.New("unsupported value type")

	// ErrChecksum means the file's CRC64 trailer does not match its
	// contents. It is wrapped in a FormatError.
	ErrChecksum = errors.New("checksum mismatch")
)
