package persist

import "encoding/binary"

// Redis checksums RDB files with CRC-64/Jones (crc64.c): polynomial
// 0xad93d23594c935a9, reflected, initial value 0 and no final xor. Unlike
// hash/crc64, which inverts before and after, and which builds its
// slicing tables on every large call for polynomials other than ISO and
// ECMA, this computes it slicing by 8 with tables built once.

const crcPolyReflected = 0x95ac9329ac4bc9b5 // 0xad93d23594c935a9 bit-reversed

var crcTable = makeCRCTable()

func makeCRCTable() *[8][256]uint64 {
	t := new([8][256]uint64)
	for i := range 256 {
		c := uint64(i)
		for range 8 {
			if c&1 == 1 {
				c = c>>1 ^ crcPolyReflected
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][c&0xff] ^ c>>8
			t[k][i] = c
		}
	}
	return t
}

// crc64 returns the Redis CRC64 of p continuing from crc.
func crc64(crc uint64, p []byte) uint64 {
	t := crcTable
	for len(p) >= 8 {
		crc ^= binary.LittleEndian.Uint64(p)
		crc = t[7][crc&0xff] ^ t[6][crc>>8&0xff] ^ t[5][crc>>16&0xff] ^ t[4][crc>>24&0xff] ^
			t[3][crc>>32&0xff] ^ t[2][crc>>40&0xff] ^ t[1][crc>>48&0xff] ^ t[0][crc>>56]
		p = p[8:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return crc
}
