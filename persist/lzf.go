package persist

import (
	"fmt"
	"slices"
)

// LZF, the compression Redis applies to strings longer than 20 bytes in
// RDB files (liblzf). A compressed stream is a sequence of
//
//	000LLLLL <L+1 literal bytes>
//	LLLooooo oooooooo            copy L+2 bytes from o+1 bytes back (L < 7)
//	111ooooo LLLLLLLL oooooooo   copy L+9 bytes from o+1 bytes back
//
// so literal runs are at most 32 bytes, matches at most 264 bytes and at
// most 8192 bytes back.

const (
	lzfHashLog   = 16 // HLOG in Redis's lzfP.h
	lzfMaxLit    = 32
	lzfMaxOff    = 1 << 13
	lzfMaxRef    = 264
	lzfMaxFactor = 88 // a 3-byte back reference expands to at most 264 bytes
)

// lzfTable maps a hash of the bytes around a position to the last
// position that had it, as liblzf's htab does with offsets
// (LZF_USE_OFFSETS). Like Redis's, which is never cleared, it keeps the
// positions of earlier inputs: one that falls before the current position
// is tried as a match in the current input, and used when its bytes
// match. The output stays correct, and it is the output Redis writes when
// it compressed the same inputs before.
type lzfTable [1 << lzfHashLog]int32

// lzfIdx is liblzf's IDX with VERY_FAST: h holds the three bytes at a
// position and the one before it.
func lzfIdx(h uint32) uint32 { return ((h >> (3*8 - lzfHashLog)) - h*5) & (1<<lzfHashLog - 1) }

// lzfCompress appends the compressed form of in to dst and returns it, or
// returns nil if liblzf's lzf_compress would fail with an output buffer
// of limit bytes. It follows lzf_compress as Redis 7.0 builds it (liblzf
// 3.6, HLOG 16, VERY_FAST) step by step, so that it writes the same bytes
// and gives up on the same inputs: files and DUMP payloads come out as
// Redis's do.
func lzfCompress[T string | []byte](dst []byte, in T, limit int, ht *lzfTable) []byte {
	n := len(in)
	if n == 0 || limit <= 0 {
		return nil
	}
	start := len(dst)
	dst = slices.Grow(dst, limit+1)[:start+limit+1] // Redis allocates outlen+1
	out := dst[start:]
	lit, op, ip := 0, 1, 0 // op starts past the first run's length byte
	var hval uint32
	if n >= 2 {
		hval = uint32(in[0])<<8 | uint32(in[1])
	}
	for ip < n-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := lzfIdx(hval)
		ref := int(ht[slot])
		ht[slot] = int32(ip)
		if ref > 0 && ref < ip && ip-ref-1 < lzfMaxOff &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			off := ip - ref - 1
			maxlen := min(n-ip-2, lzfMaxRef)
			out[op-lit-1] = byte(lit - 1) // end the literal run
			if lit == 0 {
				op-- // there was none
			}
			if op+3+1 >= limit {
				return nil
			}
			l := 2
			matched := true
			if maxlen > 16 {
				for range 16 {
					if l++; in[ref+l] != in[ip+l] {
						matched = false
						break
					}
				}
			}
			if matched {
				for l++; l < maxlen && in[ref+l] == in[ip+l]; l++ {
				}
			}
			l -= 2 // the match is l+2 bytes long
			ip++
			if l < 7 {
				out[op] = byte(off>>8 + l<<5)
				op++
			} else {
				out[op], out[op+1] = byte(off>>8+7<<5), byte(l-7)
				op += 2
			}
			out[op] = byte(off)
			op += 2 // and the next run's length byte
			lit = 0
			ip += l + 1
			if ip >= n-2 {
				break
			}
			// Hash the last two positions of the match, as VERY_FAST does.
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			for range 2 {
				hval = hval<<8 | uint32(in[ip+2])
				ht[lzfIdx(hval)] = int32(ip)
				ip++
			}
			continue
		}
		if op >= limit {
			return nil
		}
		out[op] = in[ip]
		lit, op, ip = lit+1, op+1, ip+1
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit, op = 0, op+1
		}
	}
	if op+3 > limit {
		return nil
	}
	for ; ip < n; ip++ {
		out[op] = in[ip]
		lit, op = lit+1, op+1
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit, op = 0, op+1
		}
	}
	out[op-lit-1] = byte(lit - 1)
	if lit == 0 {
		op--
	}
	return dst[:start+op]
}

// lzfDecompress decompresses in into out, which has the uncompressed
// length the file declared. The error says what was wrong and where in
// the compressed data.
func lzfDecompress(in, out []byte) error {
	ip, op := 0, 0
	for ip < len(in) {
		at := ip
		ctrl := int(in[ip])
		ip++
		if ctrl < 32 {
			k := ctrl + 1
			if ip+k > len(in) {
				return fmt.Errorf("LZF literal run at byte %d of the compressed data runs past its end", at)
			}
			if op+k > len(out) {
				return fmt.Errorf("LZF data at byte %d expands past the declared length %d", at, len(out))
			}
			copy(out[op:], in[ip:ip+k])
			ip += k
			op += k
			continue
		}
		k := ctrl >> 5
		if k == 7 {
			if ip >= len(in) {
				return fmt.Errorf("LZF back reference at byte %d of the compressed data is cut short", at)
			}
			k += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return fmt.Errorf("LZF back reference at byte %d of the compressed data is cut short", at)
		}
		ref := op - (ctrl&0x1f)<<8 - int(in[ip]) - 1
		ip++
		k += 2
		if ref < 0 {
			return fmt.Errorf("LZF back reference at byte %d of the compressed data points before the start", at)
		}
		if op+k > len(out) {
			return fmt.Errorf("LZF data at byte %d expands past the declared length %d", at, len(out))
		}
		if ref+k <= op {
			copy(out[op:op+k], out[ref:ref+k])
		} else {
			for i := range k {
				out[op+i] = out[ref+i]
			}
		}
		op += k
	}
	if op != len(out) {
		return fmt.Errorf("LZF data expands to %d bytes, the file declared %d", op, len(out))
	}
	return nil
}
