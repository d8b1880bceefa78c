package persist

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/photondb/photon/engine"
)

// DumpFormat is the payload of Redis's DUMP and RESTORE: the value's RDB
// type byte, the value as an RDB file stores it, the RDB version (10) in
// two bytes and the CRC64 of everything before, both little-endian. It
// shares the snapshot encoder and decoder, so a payload holds what a
// snapshot would, and it satisfies engine.Serializer:
//
//	engine.New(engine.Options{Serializer: persist.DumpFormat{}})
type DumpFormat struct{}

var _ engine.Serializer = DumpFormat{}

// dumpFooterSize is the RDB version and the CRC64 after a payload's value.
const dumpFooterSize = 2 + 8

// Dump returns v's DUMP payload, as Redis 7.0 writes it.
func (DumpFormat) Dump(v engine.Value) ([]byte, error) {
	t, err := rdbType(v)
	if err != nil {
		return nil, err
	}
	if t == typeNone {
		return nil, fmt.Errorf("cannot dump an empty %v", v.Kind())
	}
	var out bytes.Buffer
	e := &encoder{w: &out, buf: make([]byte, 0, 256), plainMin: plainNodeMin}
	e.buf = append(e.buf, t)
	if err := e.writeValue(t, v); err != nil {
		return nil, err
	}
	e.buf = binary.LittleEndian.AppendUint16(e.buf, rdbVersion)
	e.flush()
	e.buf = binary.LittleEndian.AppendUint64(e.buf, e.crc)
	e.flush()
	if e.err != nil {
		return nil, e.err
	}
	return out.Bytes(), nil
}

// errBadPayload is wrapped by Restore's errors about a payload whose
// footer is right but whose value cannot be read.
var errBadPayload = errors.New("bad DUMP payload")

// Restore returns the value a DUMP payload holds. As Redis's
// verifyDumpPayload, it wants at least the footer, a version no newer than
// 10 and a matching checksum, and answers engine.ErrDumpPayload
// otherwise. The value is then read, as Redis reads it, from the start of
// the payload, whatever follows it; a value PhotonDB has no type for, or
// an empty one, is an error wrapping errBadPayload.
func (DumpFormat) Restore(payload []byte) (engine.Value, error) {
	n := len(payload)
	if n < dumpFooterSize {
		return engine.Value{}, engine.ErrDumpPayload
	}
	footer := payload[n-dumpFooterSize:]
	if binary.LittleEndian.Uint16(footer) > rdbVersion ||
		binary.LittleEndian.Uint64(footer[2:]) != crc64(0, payload[:n-8]) {
		return engine.Value{}, engine.ErrDumpPayload
	}
	// The decoder moves data within its buffer, so it gets a copy: the
	// payload may be the client's read buffer.
	d := &decoder{r: bytes.NewReader(nil), buf: bytes.Clone(payload), end: n, total: -1}
	t, _ := d.readByte()
	if int(t) >= len(valueTypes) || valueTypes[t].load == nil {
		return engine.Value{}, fmt.Errorf("%w: RDB type %d", errBadPayload, t)
	}
	v, ok, err := valueTypes[t].load(d)
	if err != nil {
		return engine.Value{}, fmt.Errorf("%w: %w", errBadPayload, err)
	}
	if !ok {
		return engine.Value{}, fmt.Errorf("%w: an empty %s", errBadPayload, valueTypes[t].name)
	}
	return v, nil
}
