package persist

import (
	"io"

	"github.com/photondb/photon/engine"
)

// EncodePlainNodes is Encode with list elements of at least plainMin
// bytes written as plain quicklist nodes, which Redis does only for
// elements of 1 GiB and more.
func EncodePlainNodes(w io.Writer, s *engine.Snapshot, plainMin int) error {
	e := &encoder{w: w, buf: make([]byte, 0, writeBufSize), plainMin: plainMin}
	return e.encode(s)
}

// LZFTable is the table LZFCompress keeps between calls.
type LZFTable lzfTable

// LZFCompress compresses in as Redis does when it saves a string: with an
// output of at most len(in)-4 bytes, and nil when that is not enough.
func LZFCompress(in []byte, ht *LZFTable) []byte {
	return lzfCompress(nil, in, len(in)-4, (*lzfTable)(ht))
}

// LZFInputs is lzfInputs for the external tests.
var LZFInputs = lzfInputs
