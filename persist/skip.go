package persist

import (
	"bytes"
	"fmt"
)

// Readers that go past what PhotonDB has no type for, when
// LoadOptions.SkipUnsupported says to leave it out of a load rather than
// refuse the file: stream keys, module keys, hashes with field expiry and
// function libraries. They follow the formats of Redis's rdbLoadObject
// and rdbFunctionLoad, checking only what they need to stay in step.

// readLens reads n plain lengths and discards them.
func (d *decoder) readLens(n int) error {
	for range n {
		if _, _, err := d.readLen(); err != nil {
			return err
		}
	}
	return nil
}

// skipStream reads past a stream: its listpacks, its length and IDs, and
// its consumer groups with their pending entries and consumers. Types 19
// and 21 (Redis 7.0 and 7.2) add the first and deleted IDs and read
// counters, and 21 each consumer's active time.
func (d *decoder) skipStream(t byte) error {
	nodes, err := d.readCount("stream listpack count")
	if err != nil {
		return err
	}
	for range nodes {
		if err := d.skipString(); err != nil { // master ID
			return err
		}
		if err := d.skipString(); err != nil { // listpack
			return err
		}
	}
	meta := 3 // length, last ID
	if t >= typeStreamListpacks2 {
		meta += 5 // first ID, max deleted ID, entries added
	}
	if err := d.readLens(meta); err != nil {
		return err
	}
	groups, err := d.readCount("stream consumer group count")
	if err != nil {
		return err
	}
	for range groups {
		if err := d.skipString(); err != nil { // name
			return err
		}
		ids := 2 // last delivered ID
		if t >= typeStreamListpacks2 {
			ids++ // entries read
		}
		if err := d.readLens(ids); err != nil {
			return err
		}
		pending, err := d.readCount("stream pending entry count")
		if err != nil {
			return err
		}
		for range pending {
			if err := d.discard(16 + 8); err != nil { // ID, delivery time
				return err
			}
			if err := d.readLens(1); err != nil { // delivery count
				return err
			}
		}
		consumers, err := d.readCount("stream consumer count")
		if err != nil {
			return err
		}
		for range consumers {
			if err := d.skipString(); err != nil { // name
				return err
			}
			times := uint64(8) // seen time
			if t >= typeStreamListpacks3 {
				times += 8 // active time
			}
			if err := d.discard(times); err != nil {
				return err
			}
			owned, err := d.readCount("stream consumer pending entry count")
			if err != nil {
				return err
			}
			if err := d.discard(16 * uint64(owned)); err != nil {
				return err
			}
		}
	}
	return nil
}

// skipModule reads past a module value of RDB_TYPE_MODULE_2, which is
// self-describing: the module's ID, then typed values up to an end
// opcode.
func (d *decoder) skipModule(byte) error {
	if err := d.readLens(1); err != nil { // module ID
		return err
	}
	return d.skipModuleValues("module value")
}

// skipModuleValues reads typed module values up to the end opcode.
func (d *decoder) skipModuleValues(what string) error {
	for {
		off := d.offset()
		op, _, err := d.readLen()
		if err != nil {
			return err
		}
		switch op {
		case moduleOpEOF:
			return nil
		case moduleOpSInt, moduleOpUInt:
			err = d.readLens(1)
		case moduleOpFloat:
			err = d.discard(4)
		case moduleOpDouble:
			err = d.discard(8)
		case moduleOpString:
			err = d.skipString()
		default:
			err = d.errorf(off, "bad %s: opcode %d", what, op)
		}
		if err != nil {
			return err
		}
	}
}

// skipModuleAux reads past module data stored outside any key: a module
// ID, when it was saved, then typed values up to an end opcode.
func (d *decoder) skipModuleAux() error {
	if err := d.readLens(1); err != nil { // module ID
		return err
	}
	off := d.offset()
	op, _, err := d.readLen()
	if err != nil {
		return err
	}
	if op != moduleOpUInt {
		return d.errorf(off, "bad module aux data: when-opcode %d", op)
	}
	if err := d.readLens(1); err != nil {
		return err
	}
	return d.skipModuleValues("module aux data")
}

// skipHashMetadata reads past a hash table with field expiry (Redis 7.4):
// for type 24 the earliest expiry, then the count and, for each field,
// its TTL, name and value.
func (d *decoder) skipHashMetadata(t byte) error {
	if t == typeHashMetadata {
		if err := d.discard(8); err != nil {
			return err
		}
	}
	n, err := d.readCount("hash length")
	if err != nil {
		return err
	}
	for range n {
		if err := d.readLens(1); err != nil {
			return err
		}
		if err := d.skipString(); err != nil {
			return err
		}
		if err := d.skipString(); err != nil {
			return err
		}
	}
	return nil
}

// skipHashListpackEx reads past a listpack hash with field expiry (Redis
// 7.4): for type 25 the earliest expiry, then the listpack.
func (d *decoder) skipHashListpackEx(t byte) error {
	if t == typeHashListpackEx {
		if err := d.discard(8); err != nil {
			return err
		}
	}
	return d.skipString()
}

// function reads a function library at offset off, stored with opcode t:
// PhotonDB has no FUNCTION, so it is an error naming the library, or with
// SkipUnsupported a warning.
func (d *decoder) function(off int64, t byte) error {
	var name string
	if t == opFunctionPreGA {
		// Redis 7.0 release candidates: name, engine, an optional
		// description, then the code.
		b, err := d.readString(nil)
		if err != nil {
			return err
		}
		name = string(b)
		if err := d.skipString(); err != nil {
			return err
		}
		hasDesc, err := d.readCount("function description flag")
		if err != nil {
			return err
		}
		if hasDesc != 0 {
			if err := d.skipString(); err != nil {
				return err
			}
		}
		if err := d.skipString(); err != nil {
			return err
		}
	} else {
		code, err := d.readString(nil)
		if err != nil {
			return err
		}
		name = libraryName(code)
	}
	what := fmt.Sprintf("function library %q (FUNCTION LOAD)", name)
	if !d.opts.SkipUnsupported {
		return &FormatError{Offset: off, Err: ErrUnsupportedType,
			Msg: what + " is stored here; PhotonDB has no functions"}
	}
	d.warnf("byte %d: skipped %s; PhotonDB has no functions", off, what)
	return nil
}

// libraryName returns the name a function library's code declares on its
// first line, "#!lua name=mylib", or "" when it declares none.
func libraryName(code []byte) string {
	line, _, _ := bytes.Cut(code, []byte("\n"))
	for _, f := range bytes.Fields(line) {
		if name, ok := bytes.CutPrefix(f, []byte("name=")); ok {
			return string(name)
		}
	}
	return ""
}
