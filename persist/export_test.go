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
