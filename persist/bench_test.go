package persist_test

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

// benchCases are the datasets BenchmarkEncode and BenchmarkDecode time.
var benchCases = []struct {
	name string
	fill func(e *engine.Engine)
}{
	{"1M_small_strings", func(e *engine.Engine) {
		for i := range 1_000_000 {
			n := strconv.Itoa(i)
			e.Put(0, "key:"+n, engine.StringValue([]byte("value:"+n)), 0)
		}
	}},
	{"100K_integers_with_TTL", func(e *engine.Engine) {
		for i := range 100_000 {
			e.Put(0, "counter:"+strconv.Itoa(i), engine.StringValue([]byte(strconv.Itoa(i*37))), 1<<50)
		}
	}},
	{"1K_lists_of_1K", func(e *engine.Engine) {
		for i := range 1000 {
			elems := make([][]byte, 1000)
			for j := range elems {
				elems[j] = []byte("element:" + strconv.Itoa(j))
			}
			e.Put(0, "list:"+strconv.Itoa(i), engine.ListValue(elems), 0)
		}
	}},
	{"1K_hashes_of_1K", func(e *engine.Engine) {
		for i := range 1000 {
			pairs := make([][]byte, 0, 2000)
			for j := range 1000 {
				pairs = append(pairs, []byte("field:"+strconv.Itoa(j)), []byte(strconv.Itoa(j)))
			}
			e.Put(0, "hash:"+strconv.Itoa(i), engine.HashValue(pairs), 0)
		}
	}},
	{"100_strings_of_100KB", func(e *engine.Engine) {
		for i := range 100 {
			e.Put(0, "big:"+strconv.Itoa(i), engine.StringValue([]byte(strings.Repeat("compressible text "+strconv.Itoa(i), 6000))), 0)
		}
	}},
}

func BenchmarkEncode(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			e := engine.New(engine.Options{})
			bc.fill(e)
			s := e.Snapshot()
			var buf bytes.Buffer
			if err := persist.Encode(&buf, s); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if err := persist.Encode(io.Discard, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			e := engine.New(engine.Options{})
			bc.fill(e)
			var buf bytes.Buffer
			if err := persist.Encode(&buf, e.Snapshot()); err != nil {
				b.Fatal(err)
			}
			file := buf.Bytes()
			put := func(int, string, engine.Value, int64) error { return nil }
			b.SetBytes(int64(len(file)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := persist.Decode(bytes.NewReader(file), put); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoad times Decode into a fresh engine, as a server start does.
func BenchmarkLoad(b *testing.B) {
	e := engine.New(engine.Options{})
	benchCases[0].fill(e)
	var buf bytes.Buffer
	if err := persist.Encode(&buf, e.Snapshot()); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := persist.Decode(bytes.NewReader(file), engine.New(engine.Options{}).Put); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFileSave times SAVE of 1M small string keys as the server does
// it: encode to a temp file, fsync, rename, fsync the directory. The
// original PhotonDB took 15.22 s.
func BenchmarkFileSave(b *testing.B) {
	e := engine.New(engine.Options{})
	benchCases[0].fill(e)
	f, err := persist.Open(b.TempDir() + "/photon.rdb")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	s := e.Snapshot()
	b.ReportAllocs()
	for b.Loop() {
		if err := f.Save(s); err != nil {
			b.Fatal(err)
		}
	}
}
