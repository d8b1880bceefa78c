package persist

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
)

// Ensure that the checksum is Redis's CRC-64/Jones, checked against the
// test vector in Redis's crc64.c and against a bit-at-a-time version.
func TestCRC64(t *testing.T) {
	if got, want := crc64(0, []byte("123456789")), uint64(0xe9c6d914c4b8d9ca); got != want {
		t.Fatalf("crc64(123456789) = %016x, want %016x", got, want)
	}
	slow := func(crc uint64, p []byte) uint64 {
		for _, b := range p {
			crc ^= uint64(b)
			for range 8 {
				if crc&1 == 1 {
					crc = crc>>1 ^ crcPolyReflected
				} else {
					crc >>= 1
				}
			}
		}
		return crc
	}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 100 {
		p := make([]byte, n*7)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		split := r.IntN(len(p) + 1)
		if got, want := crc64(crc64(0, p[:split]), p[split:]), slow(0, p); got != want {
			t.Fatalf("crc64 of %d bytes split at %d = %016x, want %016x", len(p), split, got, want)
		}
	}
}

func TestLZF_RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	random := func(n int) []byte {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		return p
	}
	tests := []struct {
		name       string
		in         []byte
		compresses bool
	}{
		{"zeros", make([]byte, 10000), true},
		{"repeated word", bytes.Repeat([]byte("hello "), 500), true},
		{"short repeat", []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), true},
		{"random", random(5000), false},
		{"long match over 264", append(random(300), bytes.Repeat([]byte{7}, 2000)...), true},
		{"repeat beyond the window", bytes.Repeat(random(9000), 2), false},
		{"repeat within the window", bytes.Repeat(random(8000), 2), true},
		{"text", []byte(strconv.Quote(string(bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog. "), 200)))), true},
	}
	var ht lzfTable
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := lzfCompress(nil, tt.in, len(tt.in)-4, &ht)
			if (z != nil) != tt.compresses {
				t.Fatalf("compressed = %v, want %v", z != nil, tt.compresses)
			}
			if z == nil {
				z = lzfCompress(nil, tt.in, 2*len(tt.in)+16, &ht)
			}
			out := make([]byte, len(tt.in))
			if err := lzfDecompress(z, out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, tt.in) {
				t.Fatal("decompressed data differs")
			}
			if zs := lzfCompress(nil, string(tt.in), 2*len(tt.in)+16, &ht); !bytes.Equal(zs, lzfCompress(nil, tt.in, 2*len(tt.in)+16, &ht)) {
				t.Fatal("string and []byte inputs compress differently")
			}
		})
	}
}

func TestLZF_Corrupt(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		n    int
	}{
		{"literal past end", []byte{5, 'a', 'b'}, 6},
		{"output overflow", []byte{3, 'a', 'b', 'c', 'd'}, 2},
		{"reference before start", []byte{0, 'a', 0x20, 5}, 4},
		{"short reference", []byte{0, 'a', 0x20}, 4},
		{"short long reference", []byte{0, 'a', 0xE0}, 20},
		{"too short", []byte{1, 'a', 'b'}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := lzfDecompress(tt.in, make([]byte, tt.n)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func FuzzLZF(f *testing.F) {
	f.Add([]byte("hello hello hello hello hello"))
	f.Add(make([]byte, 100))
	f.Fuzz(func(t *testing.T, in []byte) {
		var ht lzfTable
		z := lzfCompress(nil, in, 2*len(in)+16, &ht)
		out := make([]byte, len(in))
		if err := lzfDecompress(z, out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, in) {
			t.Fatal("round trip differs")
		}
		_ = lzfDecompress(in, make([]byte, 3*len(in))) // must not panic
	})
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"12", 12, true}, {"-5", -5, true},
		{"9223372036854775807", math.MaxInt64, true}, {"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false},
		{"007", 0, false}, {"-0", 0, false}, {"+1", 0, false}, {"1e3", 0, false},
		{"", 0, false}, {"-", 0, false}, {" 1", 0, false}, {"1 ", 0, false},
		{"00", 0, false}, {"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseInt(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// Ensure that every listpack encoding round-trips, and that entry sizes
// agree with what is appended.
func TestListpack_RoundTrip(t *testing.T) {
	elems := []string{"", "a", "0", "127", "128", "-1", "4095", "4096", "-4096", "-4097",
		"32767", "32768", "-32768", "-32769", "8388607", "8388608", "-8388608", "-8388609",
		"2147483647", "2147483648", "-2147483648", "-2147483649",
		"9223372036854775807", "-9223372036854775808", "007", "1.5",
		string(bytes.Repeat([]byte("x"), 63)), string(bytes.Repeat([]byte("x"), 64)),
		string(bytes.Repeat([]byte("y"), 4095)), string(bytes.Repeat([]byte("y"), 4096)),
		string(bytes.Repeat([]byte("z"), 20000))}
	lp := lpStart(nil)
	for _, s := range elems {
		before := len(lp)
		lp = lpAppend(lp, s)
		if got, want := len(lp)-before, lpEntrySize(s); got != want {
			t.Errorf("entry %.10q: appended %d bytes, lpEntrySize says %d", s, got, want)
		}
	}
	lp = lpFinish(lp, len(elems))
	var got []string
	err := lpEach(lp, func(e entry) error {
		if e.str != nil {
			got = append(got, string(e.str))
		} else {
			got = append(got, strconv.FormatInt(e.num, 10))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(elems) {
		t.Fatalf("got %d entries, want %d", len(got), len(elems))
	}
	for i := range elems {
		if got[i] != elems[i] {
			t.Errorf("entry %d = %.20q, want %.20q", i, got[i], elems[i])
		}
	}
}

func TestBacklen(t *testing.T) {
	for _, l := range []int{0, 1, 127, 128, 16382, 16383, 16384, 2097150, 2097151, 268435454, 268435455, 1 << 30} {
		b := lpAppendBacklen(nil, l)
		if len(b) != lpBacklenSize(l) {
			t.Fatalf("backlen %d: %d bytes, size says %d", l, len(b), lpBacklenSize(l))
		}
		var got int
		for i, shift := len(b)-1, 0; i >= 0; i, shift = i-1, shift+7 {
			got |= int(b[i]&127) << shift
			if b[i]&128 == 0 && i != 0 {
				t.Fatalf("backlen %d: byte %d ends the number early", l, i)
			}
		}
		if got != l {
			t.Fatalf("backlen %d decodes as %d", l, got)
		}
	}
}

// zlBuild makes a ziplist as Redis 6 does; entries that parse as int64
// are stored in the smallest integer encoding.
func zlBuild(elems ...string) []byte {
	zl := make([]byte, zlHeaderSize)
	prev, last := 0, zlHeaderSize
	for _, s := range elems {
		start := len(zl)
		if prev < 254 {
			zl = append(zl, byte(prev))
		} else {
			zl = append(zl, 0xFE)
			zl = binary.LittleEndian.AppendUint32(zl, uint32(prev))
		}
		if v, ok := parseInt(s); ok {
			switch {
			case v >= 0 && v <= 12:
				zl = append(zl, 0xF1+byte(v))
			case v >= math.MinInt8 && v <= math.MaxInt8:
				zl = append(zl, 0xFE, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				zl = binary.LittleEndian.AppendUint16(append(zl, 0xC0), uint16(v))
			case v >= -1<<23 && v < 1<<23:
				zl = append(zl, 0xF0, byte(v), byte(v>>8), byte(v>>16))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				zl = binary.LittleEndian.AppendUint32(append(zl, 0xD0), uint32(v))
			default:
				zl = binary.LittleEndian.AppendUint64(append(zl, 0xE0), uint64(v))
			}
		} else {
			switch n := len(s); {
			case n < 64:
				zl = append(zl, byte(n))
			case n < 16384:
				zl = append(zl, 0x40|byte(n>>8), byte(n))
			default:
				zl = binary.BigEndian.AppendUint32(append(zl, 0x80), uint32(n))
			}
			zl = append(zl, s...)
		}
		prev, last = len(zl)-start, start
	}
	zl = append(zl, 0xFF)
	binary.LittleEndian.PutUint32(zl, uint32(len(zl)))
	binary.LittleEndian.PutUint32(zl[4:], uint32(last))
	binary.LittleEndian.PutUint16(zl[8:], uint16(min(len(elems), 65535)))
	return zl
}

func TestZiplist(t *testing.T) {
	elems := []string{"", "a", "0", "12", "13", "-1", "127", "-128", "128", "32767", "-32769",
		"8388607", "-8388608", "8388608", "2147483647", "-2147483649", "9223372036854775807",
		"007", string(bytes.Repeat([]byte("x"), 300)), "after a long one", string(bytes.Repeat([]byte("y"), 20000)), "end"}
	zl := zlBuild(elems...)
	var got []string
	err := zlEach(zl, func(e entry) error {
		if e.str != nil {
			got = append(got, string(e.str))
		} else {
			got = append(got, strconv.FormatInt(e.num, 10))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(elems) {
		t.Fatalf("got %d entries, want %d", len(got), len(elems))
	}
	for i := range elems {
		if got[i] != elems[i] {
			t.Errorf("entry %d = %.20q, want %.20q", i, got[i], elems[i])
		}
	}

	corrupt := map[string]func([]byte){
		"bad total":    func(b []byte) { b[0]++ },
		"bad tail":     func(b []byte) { b[4]++ },
		"bad count":    func(b []byte) { b[8]++ },
		"bad prevlen":  func(b []byte) { b[zlHeaderSize+2]++ },
		"no end":       func(b []byte) { b[len(b)-1] = 0 },
		"bad encoding": func(b []byte) { b[zlHeaderSize+1] = 0xFF },
	}
	for name, f := range corrupt {
		t.Run(name, func(t *testing.T) {
			b := bytes.Clone(zl)
			f(b)
			var be *blobError
			if err := zlEach(b, func(entry) error { return nil }); !errors.As(err, &be) {
				t.Fatalf("err = %v, want a blobError", err)
			}
		})
	}
}

func FuzzCompact(f *testing.F) {
	f.Add(zlBuild("a", "12", "-70000", "hello"))
	lp := lpStart(nil)
	lp = lpAppend(lp, "x")
	lp = lpAppend(lp, "300")
	f.Add(lpFinish(lp, 2))
	f.Add([]byte("\x02\x01a\x00\x01b\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		nop := func(entry) error { return nil }
		_ = lpEach(b, nop)
		_ = zlEach(b, nop)
		_ = zmEach(b, func(_, _ []byte) error { return nil })
	})
}

func TestZipmap(t *testing.T) {
	// Two fields; the second value is stored with 2 free bytes after it,
	// and a 300-byte value uses the 5-byte length.
	long := bytes.Repeat([]byte("v"), 300)
	zm := []byte{3, 3, 'f', 'o', 'o', 3, 0, 'b', 'a', 'r', 1, 'x', 1, 2, 'y', 'Z', 'Z', 1, 'l', 0xFE}
	zm = binary.LittleEndian.AppendUint32(zm, uint32(len(long)))
	zm = append(zm, 0)
	zm = append(zm, long...)
	zm = append(zm, 0xFF)
	got := map[string]string{}
	if err := zmEach(zm, func(f, v []byte) error { got[string(f)] = string(v); return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"foo": "bar", "x": "y", "l": string(long)}
	if len(got) != len(want) {
		t.Fatalf("got %d fields, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %q = %.20q, want %.20q", k, got[k], v)
		}
	}
}

// rdbBuilder writes RDB files by hand, for encodings Encode never
// produces.
type rdbBuilder struct{ b []byte }

func newRDB(version int) *rdbBuilder {
	return &rdbBuilder{b: []byte("REDIS" + strconv.Itoa(10000 + version)[1:])}
}

func (r *rdbBuilder) op(ops ...byte) *rdbBuilder { r.b = append(r.b, ops...); return r }

func (r *rdbBuilder) len(n uint64) *rdbBuilder {
	e := encoder{buf: r.b}
	e.appendLen(n)
	r.b = e.buf
	return r
}

func (r *rdbBuilder) str(s string) *rdbBuilder { return r.len(uint64(len(s))).op([]byte(s)...) }

// lzf writes s LZF-compressed.
func (r *rdbBuilder) lzf(s string) *rdbBuilder {
	var ht lzfTable
	z := lzfCompress(nil, s, 2*len(s)+16, &ht)
	r.op(0xC3)
	return r.len(uint64(len(z))).len(uint64(len(s))).op(z...)
}

// end appends the EOF marker and, from version 5, the checksum.
func (r *rdbBuilder) end() []byte {
	r.b = append(r.b, opEOF)
	if bytes.HasPrefix(r.b, []byte("REDIS000")) && r.b[8] < '5' {
		return r.b
	}
	return binary.LittleEndian.AppendUint64(r.b, crc64(0, r.b))
}

type decoded struct {
	db       int
	key      string
	kind     string
	val      string // string value, or elements/pairs joined by ","
	expireAt int64
}

func decodeAll(t *testing.T, b []byte) ([]decoded, Info) {
	t.Helper()
	return decodeWith(t, b, LoadOptions{})
}

func decodeWith(t *testing.T, b []byte, o LoadOptions) ([]decoded, Info) {
	t.Helper()
	var got []decoded
	info, err := DecodeWith(bytes.NewReader(b), o, func(db int, key string, v engine.Value, at int64) error {
		d := decoded{db: db, key: key, kind: v.Kind().String(), expireAt: at}
		var parts []string
		switch v.Kind() {
		case engine.KindString:
			parts = []string{string(v.Bytes())}
		case engine.KindList:
			v.Elems(func(b []byte) error { parts = append(parts, string(b)); return nil })
		case engine.KindHash:
			v.Pairs(func(f string, b []byte) error { parts = append(parts, f+"="+string(b)); return nil })
			slices.Sort(parts)
		case engine.KindSet:
			v.Members(func(m []byte) error { parts = append(parts, string(m)); return nil })
			slices.Sort(parts)
		case engine.KindZSet:
			v.ZMembers(func(m []byte, score float64) error {
				parts = append(parts, string(m)+"="+strconv.FormatFloat(score, 'g', -1, 64))
				return nil
			})
		}
		if v.Kind() != engine.KindString {
			d.kind += "/" + v.Encoding()
		}
		d.val = strings.Join(parts, ",")
		got = append(got, d)
		return nil
	})
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return got, info
}

// Ensure that the encodings of older Redis versions, and the opcodes
// Decode skips, are read.
func TestDecode_OldEncodings(t *testing.T) {
	long := strings.Repeat("L", 300)
	zlList := string(zlBuild("a", "12", "-70000", "5000000000", long, ""))
	zlHash := string(zlBuild("f1", "v1", "n", "255"))
	zm := string([]byte{2, 1, 'a', 1, 0, 'b', 1, 'c', 1, 3, 'd', 0, 0, 0, 0xFF})
	zlZSet := string(zlBuild("b", "2", "a", "1.5", "c", "-inf", "d", "300000"))
	lpZSet := string(lpFinish(lpAppend(lpAppend(lpAppend(lpAppend(lpStart(nil), "x"), "1e+300"), "y"), "7"), 4))
	lpSet := string(lpFinish(lpAppend(lpAppend(lpAppend(lpStart(nil), "m"), "-12"), "70000"), 3))
	intset := string(intsetAppend(nil, []int64{-70000, 3, 1 << 40}))
	double := func(f float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(f)) }
	tests := []struct {
		name string
		file []byte
		want []decoded
	}{
		{"version 1 without checksum", newRDB(1).
			op(opSelectDB).len(0).
			op(typeString).str("s").str("v").
			op(typeList).str("l").len(2).str("x").op(0xC0, 0xFB).       // int8 -5
			op(typeHash).str("h").len(1).str("f").op(0xC1, 0x10, 0x27). // int16 10000
			op(opExpireTime, 0x10, 0x27, 0, 0).                         // 10000 seconds
			op(typeHashZipmap).str("zm").str(zm).
			end(), []decoded{
			{0, "s", "string", "v", 0},
			{0, "l", "list/quicklist", "x,-5", 0},
			{0, "h", "hash/listpack", "f=10000", 0},
			{0, "zm", "hash/listpack", "a=b,c=d", 10_000_000},
		}},
		{"version 6 ziplists", newRDB(6).
			op(opSelectDB).len(3).
			op(typeListZiplist).str("zl").str(zlList).
			op(opExpireTimeMs).op(binary.LittleEndian.AppendUint64(nil, 1234567)...).
			op(typeHashZiplist).str("zh").lzf(zlHash).
			op(typeString).op(0xC2).op(binary.LittleEndian.AppendUint32(nil, uint32(0x80000000))...).op(0xC0, 0x7F). // key -2147483648, value 127
			end(), []decoded{
			{3, "zl", "list/quicklist", "a,12,-70000,5000000000," + long + ",", 0},
			{3, "zh", "hash/listpack", "f1=v1,n=255", 1234567},
			{3, "-2147483648", "string", "127", 0},
		}},
		{"version 9 quicklist and skipped opcodes", newRDB(9).
			op(opAux).str("redis-ver").str("6.2.6").
			op(opModuleAux).len(12345<<10|2).len(moduleOpUInt).len(2).
			len(moduleOpSInt).len(7).len(moduleOpFloat).op(0, 0, 0, 0).len(moduleOpDouble).op(0, 0, 0, 0, 0, 0, 0, 0).
			len(moduleOpString).str("module state").len(moduleOpUInt).len(1).len(moduleOpEOF).
			op(opSelectDB).len(1).op(opResizeDB).len(2).len(0).
			op(opIdle).len(1000).op(typeListQuicklist).str("ql").len(2).str(string(zlBuild("1", "2"))).lzf(string(zlBuild(long, long))).
			op(opFreq, 5).op(typeString).str("after").lzf(long).
			end(), []decoded{
			{1, "ql", "list/quicklist", "1,2," + long + "," + long, 0},
			{1, "after", "string", long, 0},
		}},
		{"version 12 opcodes", newRDB(12).
			op(opSelectDB).len(0).op(opSlotInfo).len(5).len(1).len(0).
			op(typeListQuicklist2).str("q2").len(2).len(containerPlain).str("plain element").len(containerPacked).str(string(lpFinish(lpAppend(lpStart(nil), "packed"), 1))).
			op(typeHashListpack).str("hl").lzf(string(lpFinish(lpAppend(lpAppend(lpStart(nil), strings.Repeat("field", 10)), "-1"), 2))).
			end(), []decoded{
			{0, "q2", "list/quicklist", "plain element,packed", 0},
			{0, "hl", "hash/listpack", strings.Repeat("field", 10) + "=-1", 0},
		}},
		{"version 6 sets and sorted sets", newRDB(6).
			op(typeSet).str("set").len(3).str("b").op(0xC0, 5).str("a").
			op(typeSetIntset).str("intset").str(intset).
			op(typeZSet).str("text").len(4).str("m").op(3).op([]byte("2.5")...).str("nan-free").op(254).str("neg").op(255).str("i").op(2).op([]byte("-7")...).
			op(typeZSetZiplist).str("zl").lzf(zlZSet).
			end(), []decoded{
			{0, "set", "set/hashtable", "5,a,b", 0},
			{0, "intset", "set/intset", "-70000,1099511627776,3", 0},
			{0, "text", "zset/listpack", "neg=-Inf,i=-7,m=2.5,nan-free=+Inf", 0},
			{0, "zl", "zset/listpack", "c=-Inf,a=1.5,b=2,d=300000", 0},
		}},
		{"version 11 listpacks", newRDB(11).
			op(typeSetListpack).str("sl").str(lpSet).
			op(typeZSetListpack).str("zl").str(lpZSet).
			op(typeZSet2).str("z2").len(2).str("hi").op(double(2)...).str("lo").op(double(-0.5)...).
			end(), []decoded{
			{0, "sl", "set/hashtable", "-12,70000,m", 0},
			{0, "zl", "zset/listpack", "y=7,x=1e+300", 0},
			{0, "z2", "zset/listpack", "lo=-0.5,hi=2", 0},
		}},
		{"empty aggregates are skipped", newRDB(10).
			op(typeList).str("l").len(0).
			op(typeHash).str("h").len(0).
			op(typeListQuicklist2).str("q").len(0).
			op(typeHashListpack).str("hl").str(string(lpFinish(lpStart(nil), 0))).
			op(typeSet).str("s").len(0).
			op(typeSetIntset).str("is").str(string(intsetAppend(nil, nil))).
			op(typeZSet2).str("z").len(0).
			op(typeZSetListpack).str("zl").str(string(lpFinish(lpStart(nil), 0))).
			op(typeString).str("kept").str("").
			end(), []decoded{{0, "kept", "string", "", 0}}},
		{"expiry in the past, or at zero", newRDB(10).
			op(opExpireTimeMs).op(make([]byte, 8)...).op(typeString).str("zero").str("v").
			op(opExpireTimeMs).op(binary.LittleEndian.AppendUint64(nil, uint64(1<<64-5000))...).op(typeString).str("negative").str("v").
			end(), []decoded{{0, "zero", "string", "v", 1}, {0, "negative", "string", "v", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := decodeAll(t, tt.file)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %.300v\nwant %.300v", got, tt.want)
			}
		})
	}
}

// Ensure that with SkipUnsupported every kind of value PhotonDB has no
// type for is read past, in every format Redis 7.0 to 7.4 writes, with a
// warning each, and that the keys around them load.
func TestDecode_SkipUnsupported(t *testing.T) {
	id := string(make([]byte, 16)) // a stream ID: two big-endian uint64s
	ms := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	stream := func(r *rdbBuilder, typ byte, key string) *rdbBuilder {
		r.op(typ).str(key).
			len(1).str(id).str("a listpack, not read").
			len(3).len(1700000000000).len(2) // length, last ID
		if typ >= typeStreamListpacks2 {
			r.len(1700000000000).len(0).len(0).len(0).len(3) // first ID, max deleted ID, entries added
		}
		r.len(1).str("group").len(1700000000000).len(1) // one group and its last ID
		if typ >= typeStreamListpacks2 {
			r.len(2) // entries read
		}
		r.len(1).op([]byte(id)...).op(ms...).len(1) // global PEL: ID, delivery time, count
		r.len(1).str("consumer").op(ms...)          // consumer and its seen time
		if typ >= typeStreamListpacks3 {
			r.op(ms...) // active time
		}
		return r.len(1).op([]byte(id)...) // its PEL
	}
	lpTriplets := string(lpFinish(lpAppend(lpAppend(lpAppend(lpStart(nil), "f"), "v"), "0"), 3))
	r := newRDB(12).
		op(opFunction2).str("#!lua name=lib\nredis.register_function('f', function() return 1 end)").
		op(opFunctionPreGA).str("old").str("LUA").len(1).str("a description").str("return 1").
		op(opModuleAux).len(99<<10 | 1).len(moduleOpUInt).len(2).len(moduleOpEOF)
	stream(r, typeStreamListpacks, "s15").op(typeString).str("k1").str("v1")
	stream(r, typeStreamListpacks2, "s19").op(typeString).str("k2").str("v2")
	stream(r, typeStreamListpacks3, "s21").op(typeString).str("k3").str("v3")
	r.op(typeModule2).str("mod").len(12345<<10 | 3).len(moduleOpSInt).len(5).len(moduleOpString).str("state").len(moduleOpDouble).op(ms...).len(moduleOpEOF).
		op(typeHashMetadataPreGA).str("h22").len(1).len(0).str("f").str("v").
		op(typeHashListpackExPreG).str("h23").str(lpTriplets).
		op(typeHashMetadata).str("h24").op(ms...).len(2).len(0).str("f").str("v").len(5).str("g").str("w").
		op(typeHashListpackEx).str("h25").op(ms...).str(lpTriplets).
		op(typeString).str("k4").str("v4")
	file := r.end()

	var warnings []string
	got, info := decodeWith(t, file, LoadOptions{SkipUnsupported: true, Warn: func(m string) { warnings = append(warnings, m) }})
	want := []decoded{{0, "k1", "string", "v1", 0}, {0, "k2", "string", "v2", 0}, {0, "k3", "string", "v3", 0}, {0, "k4", "string", "v4", 0}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if info.Keys != 4 || info.Skipped != 10 {
		t.Errorf("info: %d keys, %d skipped; want 4 and 10", info.Keys, info.Skipped)
	}
	for i, w := range []string{`function library "lib"`, `function library "old"`, "module data not tied to a key",
		`key "s15" in database 0 holds a stream (RDB type 15`, `"s19"`, `"s21"`, `key "mod" in database 0 holds a module (RDB type 7`,
		`key "h22" in database 0 holds a hash (RDB type 22, hash table with field expiry)`, `"h23"`, `"h24"`, `"h25"`} {
		if i >= len(warnings) || !strings.Contains(warnings[i], w) {
			t.Errorf("warning %d = %q, want it to say %q", i, warnings[i:min(i+1, len(warnings))], w)
		}
	}

	// Without the option, the first one stops the load.
	_, err := Decode(bytes.NewReader(file), func(int, string, engine.Value, int64) error { return nil })
	if !errors.Is(err, ErrUnsupportedType) || !strings.Contains(err.Error(), `function library "lib"`) {
		t.Errorf("err = %v, want ErrUnsupportedType naming the library", err)
	}

	// A module value of Redis 4.0's release candidates cannot be skipped.
	old := newRDB(8).op(typeModulePreGA).str("m").len(1).end()
	_, err = DecodeWith(bytes.NewReader(old), LoadOptions{SkipUnsupported: true}, func(int, string, engine.Value, int64) error { return nil })
	if !errors.Is(err, ErrUnsupportedType) || !strings.Contains(err.Error(), "cannot skip") {
		t.Errorf("err = %v, want ErrUnsupportedType saying it cannot skip", err)
	}
}

// Ensure that Progress hears about a large input as it is read, with its
// size, and once at the end.
func TestDecodeWith_Progress(t *testing.T) {
	r := newRDB(10)
	for i := range 40 {
		r.op(typeString).str("k" + strconv.Itoa(i)).str(strings.Repeat("x", 100<<10))
	}
	file := r.end()
	var calls [][2]int64
	_, err := DecodeWith(bytes.NewReader(file), LoadOptions{Progress: func(read, total int64) {
		calls = append(calls, [2]int64{read, total})
	}}, func(int, string, engine.Value, int64) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 || calls[0][0] != 0 || calls[len(calls)-1] != [2]int64{int64(len(file)), int64(len(file))} {
		t.Fatalf("calls = %v, want several from 0 to %d of %d", calls, len(file), len(file))
	}
	for i, c := range calls {
		if c[1] != int64(len(file)) || (i > 0 && c[0] < calls[i-1][0]) {
			t.Fatalf("call %d = %v: total or order wrong in %v", i, c, calls)
		}
	}
}
