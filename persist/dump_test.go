package persist_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"math/rand/v2"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

// dumpRoundTrip returns v after DUMP and RESTORE through DumpFormat.
func dumpRoundTrip(t testing.TB, v engine.Value) engine.Value {
	t.Helper()
	p, err := persist.DumpFormat{}.Dump(v)
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	got, err := persist.DumpFormat{}.Restore(p)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	return got
}

// Ensure that every value, in every encoding, comes back from its DUMP
// payload unchanged and in the same encoding.
func TestDumpFormat_RoundTrip(t *testing.T) {
	data := edgeDataset(testNow.UnixMilli())
	for k, it := range randomDataset(randPCG(9), 200, 0) {
		data[k] = it
	}
	for _, k := range sortedKeys(data) {
		v := data[k].value()
		got := itemOf(dumpRoundTrip(t, v), 0)
		want := itemOf(v, 0)
		compare(t, dataset{k: got}, dataset{k: want})
	}
}

// Ensure that random datasets survive DUMP and RESTORE, over many seeds.
func TestDumpFormat_Random(t *testing.T) {
	for i := range 50 {
		for k, it := range randomDataset(rand.New(rand.NewPCG(5, uint64(i))), 20, 0) {
			v := it.value()
			compare(t, dataset{k: itemOf(dumpRoundTrip(t, v), 0)}, dataset{k: itemOf(v, 0)})
		}
		if t.Failed() {
			t.Fatalf("seed %d failed", i)
		}
	}
}

// redisCRC is Redis's CRC64 (Jones, reflected, no inversion), computed
// with the standard library's table for the bit-reversed polynomial.
var redisCRC = crc64.MakeTable(0x95ac9329ac4bc9b5)

// payload appends the footer of a DUMP payload of the given RDB version
// to value.
func payload(value string, version uint16) []byte {
	b := binary.LittleEndian.AppendUint16([]byte(value), version)
	// hash/crc64 inverts before and after; undo both to get Redis's.
	crc := ^crc64.Update(^uint64(0), redisCRC, b)
	return binary.LittleEndian.AppendUint64(b, crc)
}

// Ensure that Restore refuses what Redis 7.0's RESTORE refuses, with the
// error the engine turns into the same reply.
func TestDumpFormat_RestoreErrors(t *testing.T) {
	good := payload("\x00\x01v", 10)
	if got := itemOf(dumpRoundTrip(t, engine.StringValue([]byte("v"))), 0); got.Str != "v" {
		t.Fatalf("round trip = %q", got.Str)
	}
	if p, _ := (persist.DumpFormat{}).Dump(engine.StringValue([]byte("v"))); !bytes.Equal(p, good) {
		t.Fatalf("Dump = %q, want %q as Redis 7.0 writes it", p, good)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name    string
		in      []byte
		footer  bool // want engine.ErrDumpPayload; otherwise another error
		wantStr string
	}{
		{"too short", []byte("\x0a\x00\x00\x00\x00\x00\x00\x00\x00"), true, ""},
		{"checksum", flipped, true, ""},
		{"zero checksum", append([]byte("\x00\x01v\x0a\x00"), make([]byte, 8)...), true, ""},
		{"newer version", payload("\x00\x01v", 11), true, ""},
		{"older version", payload("\x00\x01v", 9), false, "v"},
		{"trailing bytes are ignored", payload("\x00\x01vjunk", 10), false, "v"},
		{"a value may run into the footer", payload("\x00\x03v", 10), false, "v\x0a\x00"},
		{"past the footer", payload("\x00\x10v", 10), false, ""},
		{"unknown type", payload("\x1e\x01v", 10), false, ""},
		{"stream", payload("\x13\x00", 10), false, ""},
		{"empty set", payload("\x02\x00", 10), false, ""},
		{"empty list", payload("\x12\x00", 10), false, ""},
		{"duplicate set members", payload("\x02\x02\x01a\x01a", 10), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := persist.DumpFormat{}.Restore(tt.in)
			switch {
			case tt.wantStr != "":
				if err != nil || string(v.Bytes()) != tt.wantStr {
					t.Fatalf("Restore = %q, %v; want %q", v.Bytes(), err, tt.wantStr)
				}
			case tt.footer:
				if !errors.Is(err, engine.ErrDumpPayload) {
					t.Fatalf("err = %v, want ErrDumpPayload", err)
				}
			case err == nil || errors.Is(err, engine.ErrDumpPayload):
				t.Fatalf("err = %v, want an error about the value", err)
			}
		})
	}
}

// Ensure that Restore never panics and that what it accepts dumps again.
func FuzzRestore(f *testing.F) {
	for _, it := range thresholdDataset() {
		if p, err := (persist.DumpFormat{}).Dump(it.value()); err == nil && len(p) < 4096 {
			f.Add(p)
		}
	}
	f.Add(payload("\x00\x01v", 10))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := persist.DumpFormat{}.Restore(b)
		if err != nil {
			return
		}
		want := itemOf(v, 0)
		compare(t, dataset{{}: itemOf(dumpRoundTrip(t, v), 0)}, dataset{{}: want})
	})
}
