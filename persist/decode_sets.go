package persist

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"

	"github.com/photondb/photon/engine"
)

// Loaders for sets and sorted sets, in every encoding Redis 2.x to 7.4
// writes: sets as tables, intsets and listpacks, sorted sets as skip lists
// with text or binary scores, ziplists and listpacks. As in Redis, a file
// holding a member twice or a score that is not a number is corrupt.

// readMembers reads n strings into one reused buffer and returns them as
// slices of it, valid until the next read: the engine copies what it
// keeps of set members.
func (d *decoder) readMembers(n int) ([][]byte, error) {
	buf := d.scratch[:0]
	ends := d.fields[:0]
	for range n {
		var err error
		if buf, err = d.readString(buf); err != nil {
			return nil, err
		}
		ends = append(ends, len(buf))
	}
	members := make([][]byte, len(ends))
	start := 0
	for i, end := range ends {
		members[i] = buf[start:end:end]
		start = end
	}
	if cap(buf) <= chunkSize {
		d.scratch = buf[:0]
	}
	d.fields = ends[:0]
	return members, nil
}

// setOf builds a set read at offset off. No members is an empty set,
// which is skipped.
func (d *decoder) setOf(off int64, members [][]byte) (engine.Value, bool, error) {
	if len(members) == 0 {
		return engine.Value{}, false, nil
	}
	v := engine.SetValue(members)
	if v.Len() != len(members) {
		return engine.Value{}, false, d.errorf(off, "set of %d members holds %d duplicates", len(members), len(members)-v.Len())
	}
	return v, true, nil
}

// loadSet reads a set stored as a count and members (RDB_TYPE_SET).
func (d *decoder) loadSet() (engine.Value, bool, error) {
	off := d.offset()
	n, err := d.readCount("set size")
	if err != nil {
		return engine.Value{}, false, err
	}
	members, err := d.readMembers(n)
	if err != nil {
		return engine.Value{}, false, err
	}
	return d.setOf(off, members)
}

// loadSetIntset reads a set of integers stored as an intset.
func (d *decoder) loadSetIntset() (engine.Value, bool, error) {
	b, wrap, err := d.blob()
	if err != nil {
		return engine.Value{}, false, err
	}
	off := d.strOff
	var members [][]byte
	err = intsetEach(b, func(v int64) error {
		members = append(members, d.formatInt(v))
		return nil
	})
	if err != nil {
		return engine.Value{}, false, wrap(err)
	}
	return d.setOf(off, members)
}

// loadSetListpack reads a small set stored as a listpack (Redis 7.2 and
// later).
func (d *decoder) loadSetListpack() (engine.Value, bool, error) {
	b, wrap, err := d.blob()
	if err != nil {
		return engine.Value{}, false, err
	}
	off := d.strOff
	var members [][]byte
	err = lpEach(b, func(e entry) error {
		members = append(members, d.entryBytes(e))
		return nil
	})
	if err != nil {
		return engine.Value{}, false, wrap(err)
	}
	return d.setOf(off, members)
}

// zsetOf builds a sorted set read at offset off. No members is an empty
// set, which is skipped.
func (d *decoder) zsetOf(off int64, members [][]byte, scores []float64) (engine.Value, bool, error) {
	if len(members) == 0 {
		return engine.Value{}, false, nil
	}
	for i, s := range scores {
		if math.IsNaN(s) {
			return engine.Value{}, false, d.errorf(off, "sorted set member %q has a score that is not a number", members[i])
		}
	}
	v := engine.ZSetValue(members, scores)
	if v.Len() != len(members) {
		return engine.Value{}, false, d.errorf(off, "sorted set of %d members holds %d duplicates", len(members), len(members)-v.Len())
	}
	return v, true, nil
}

// loadZSet reads a sorted set stored as a count and members with scores
// as text (RDB_TYPE_ZSET, Redis before 3.0).
func (d *decoder) loadZSet() (engine.Value, bool, error) { return d.loadZSetPairs(false) }

// loadZSet2 reads a sorted set stored as a count and members with
// binary scores (RDB_TYPE_ZSET_2).
func (d *decoder) loadZSet2() (engine.Value, bool, error) { return d.loadZSetPairs(true) }

func (d *decoder) loadZSetPairs(binaryScores bool) (engine.Value, bool, error) {
	off := d.offset()
	n, err := d.readCount("sorted set size")
	if err != nil {
		return engine.Value{}, false, err
	}
	members := make([][]byte, 0, min(n, preallocMax))
	scores := make([]float64, 0, min(n, preallocMax))
	for range n {
		m, err := d.readString(nil)
		if err != nil {
			return engine.Value{}, false, err
		}
		var score float64
		if binaryScores {
			b, err := d.next(8)
			if err != nil {
				return engine.Value{}, false, err
			}
			score = math.Float64frombits(binary.LittleEndian.Uint64(b))
		} else if score, err = d.readTextScore(); err != nil {
			return engine.Value{}, false, err
		}
		members = append(members, m)
		scores = append(scores, score)
	}
	return d.zsetOf(off, members, scores)
}

// readTextScore reads a score as rdbLoadDoubleValue does: a length byte,
// 253 for NaN, 254 for +inf and 255 for -inf, else that many bytes of
// text.
func (d *decoder) readTextScore() (float64, error) {
	off := d.offset()
	n, err := d.readByte()
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	b, err := d.next(int(n))
	if err != nil {
		return 0, err
	}
	f, ok := parseScore(b)
	if !ok {
		return 0, d.errorf(off, "bad score %q", b)
	}
	return f, nil
}

// parseScore reads a score written as text, as strtod would.
func parseScore(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// loadZSetZiplist reads a small sorted set stored as a ziplist (Redis 2.6
// to 6.2).
func (d *decoder) loadZSetZiplist() (engine.Value, bool, error) { return d.loadZSetPacked(zlEach) }

// loadZSetListpack reads a small sorted set stored as a listpack (Redis
// 7.0 and later).
func (d *decoder) loadZSetListpack() (engine.Value, bool, error) { return d.loadZSetPacked(lpEach) }

// loadZSetPacked reads a sorted set from the entries of a ziplist or
// listpack: each member followed by its score, an integer or text.
func (d *decoder) loadZSetPacked(each func([]byte, func(entry) error) error) (engine.Value, bool, error) {
	b, wrap, err := d.blob()
	if err != nil {
		return engine.Value{}, false, err
	}
	off := d.strOff
	var members [][]byte
	var scores []float64
	err = each(b, func(e entry) error {
		if len(members) == len(scores) {
			members = append(members, d.entryBytes(e))
			return nil
		}
		if e.str == nil {
			scores = append(scores, float64(e.num))
			return nil
		}
		f, ok := parseScore(e.str)
		if !ok {
			return d.errorf(off, "sorted set member %q has a bad score %q", members[len(members)-1], e.str)
		}
		scores = append(scores, f)
		return nil
	})
	if err != nil {
		return engine.Value{}, false, wrap(err)
	}
	if len(members) != len(scores) {
		return engine.Value{}, false, d.errorf(off, "sorted set encoding holds %d entries, an odd number", len(members)+len(scores))
	}
	return d.zsetOf(off, members, scores)
}
