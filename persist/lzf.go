package persist

import "fmt"

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
	lzfHashLog   = 14
	lzfMaxLit    = 32
	lzfMaxOff    = 1 << 13
	lzfMaxRef    = 264
	lzfMaxFactor = 88 // a 3-byte back reference expands to at most 264 bytes
)

// lzfTable maps a hash of three bytes to the last position they were seen.
// Entries left over from earlier inputs are harmless: every candidate
// match is checked against the input before it is used.
type lzfTable [1 << lzfHashLog]int32

// lzfCompress appends the compressed form of in to dst and returns it, or
// returns nil if that would take more than limit bytes.
func lzfCompress[T string | []byte](dst []byte, in T, limit int, ht *lzfTable) []byte {
	start := len(dst)
	n := len(in)
	lit := 0 // start of the pending literal run
	ip := 0
	for ip+2 < n {
		v := uint32(in[ip])<<16 | uint32(in[ip+1])<<8 | uint32(in[ip+2])
		h := (v * 2654435761) >> (32 - lzfHashLog)
		ref := int(ht[h])
		ht[h] = int32(ip)
		if ref >= ip || ip-ref > lzfMaxOff || in[ref] != in[ip] || in[ref+1] != in[ip+1] || in[ref+2] != in[ip+2] {
			ip++
			continue
		}
		l := 3
		maxl := min(n-ip, lzfMaxRef)
		for l < maxl && in[ref+l] == in[ip+l] {
			l++
		}
		dst = lzfLiterals(dst, in, lit, ip)
		off := ip - ref - 1
		if l-2 < 7 {
			dst = append(dst, byte((l-2)<<5|off>>8), byte(off))
		} else {
			dst = append(dst, byte(7<<5|off>>8), byte(l-2-7), byte(off))
		}
		if len(dst)-start > limit {
			return nil
		}
		ip += l
		lit = ip
	}
	dst = lzfLiterals(dst, in, lit, n)
	if len(dst)-start > limit {
		return nil
	}
	return dst
}

// lzfLiterals appends in[from:to] as literal runs.
func lzfLiterals[T string | []byte](dst []byte, in T, from, to int) []byte {
	for from < to {
		k := min(to-from, lzfMaxLit)
		dst = append(dst, byte(k-1))
		dst = append(dst, in[from:from+k]...)
		from += k
	}
	return dst
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
