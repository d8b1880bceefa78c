package persist

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// lzfInputs returns n inputs of the shapes whose compression varies the
// most: runs over alphabets of 1 to 20 letters, and text that repeats
// words at many distances, from 21 bytes (the shortest string Redis
// compresses) to about 9 KB, past the 8 KB a back reference reaches.
func lzfInputs(seed uint64, n int) [][]byte {
	r := rand.New(rand.NewPCG(1, seed))
	inputs := make([][]byte, n)
	for i := range inputs {
		size := 21 + r.IntN([]int{30, 300, 9000}[i%3])
		b := make([]byte, size)
		if i%5 == 0 {
			var text []byte
			for len(text) < size {
				text = fmt.Appendf(text, "element-%d", r.IntN(3000))
			}
			copy(b, text)
		} else {
			alphabet := 1 + r.IntN(20)
			for j := range b {
				b[j] = byte('a' + r.IntN(alphabet))
			}
		}
		inputs[i] = b
	}
	return inputs
}

// Ensure that inputs compressed one after another with one table, as
// Redis's lzf_compress leaves its table for the next call, decompress to
// themselves: entries left by earlier inputs are only used where the
// current input's bytes match.
func TestLZF_SharedTable(t *testing.T) {
	var ht lzfTable
	compressed := 0
	for i, in := range lzfInputs(2, 600) {
		z := lzfCompress(nil, in, len(in)-4, &ht)
		if z == nil {
			continue
		}
		compressed++
		out := make([]byte, len(in))
		if err := lzfDecompress(z, out); err != nil {
			t.Fatalf("input %d (%d bytes): %v", i, len(in), err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("input %d (%d bytes) decompresses to something else", i, len(in))
		}
	}
	if compressed < 300 {
		t.Errorf("only %d of 600 inputs compressed", compressed)
	}
}
