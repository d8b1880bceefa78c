package engine

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Redis 7.0 keeps a set whose members are all integers as an intset, a
// sorted array of integers, and converts it for good to a hash table once
// a member is not an integer or there are more than set-max-intset-entries
// members. SMEMBERS and SSCAN list an intset in ascending order, so
// PhotonDB keeps the same two forms and converts at the same points.
const setMaxIntsetEntries = 512

// set is a set of byte strings. While it is an intset, ints holds the
// members in ascending order and index is nil. As a hash table, members
// holds them in no particular order and index maps each to its position
// there, so that a random member costs O(1), as Redis's
// dictGetFairRandomKey does, and removing one swaps the last into its
// place.
type set struct {
	cowMark // see cow.go
	ints    []int64
	members []string
	index   map[string]int
	bytes   int64 // allocSize of every member of a hash table, for used memory
}

// newSetFor returns an empty set in the encoding Redis gives a new set
// whose first member is first: an intset when first is an integer.
func newSetFor(first []byte) *set {
	if _, ok := parseInt(first); ok {
		return &set{}
	}
	return newHashtableSet(0)
}

// newHashtableSet returns an empty hash table set with room for n members.
func newHashtableSet(n int) *set {
	return &set{members: make([]string, 0, n), index: make(map[string]int, n)}
}

// isIntset reports whether the set is still an intset.
func (s *set) isIntset() bool { return s.index == nil }

func (s *set) len() int {
	if s.isIntset() {
		return len(s.ints)
	}
	return len(s.members)
}

func (s *set) kind() Kind { return KindSet }

func (s *set) encoding() string {
	if s.isIntset() {
		return "intset"
	}
	return "hashtable"
}

func (s *set) clone() object {
	if s.isIntset() {
		return &set{ints: slices.Clone(s.ints)}
	}
	return &set{members: slices.Clone(s.members), index: maps.Clone(s.index), bytes: s.bytes}
}

// add adds member, which the set copies, and reports whether it is new.
func (s *set) add(member []byte) bool {
	if s.isIntset() {
		if n, ok := parseInt(member); ok {
			return s.addInt(n)
		}
		s.toHashtable()
	}
	if _, found := s.index[str(member)]; found {
		return false
	}
	return s.addString(string(member))
}

// addInt adds the member whose decimal form is n.
func (s *set) addInt(n int64) bool {
	if !s.isIntset() {
		return s.addString(strconv.FormatInt(n, 10))
	}
	i, found := slices.BinarySearch(s.ints, n)
	if found {
		return false
	}
	s.ints = slices.Insert(s.ints, i, n)
	if len(s.ints) > setMaxIntsetEntries {
		s.toHashtable()
	}
	return true
}

// addString adds member m, keeping the string itself, which is
// immutable, so that sets built from other sets share their members.
func (s *set) addString(m string) bool {
	if s.isIntset() {
		if n, ok := parseInt(bytesOf(m)); ok {
			return s.addInt(n)
		}
		s.toHashtable()
	}
	if _, found := s.index[m]; found {
		return false
	}
	s.index[m] = len(s.members)
	s.members = append(s.members, m)
	s.bytes += allocSize(len(m))
	return true
}

// remove removes member and reports whether it was there.
func (s *set) remove(member []byte) bool {
	if s.isIntset() {
		n, ok := parseInt(member)
		if !ok {
			return false
		}
		i, found := slices.BinarySearch(s.ints, n)
		if found {
			s.ints = slices.Delete(s.ints, i, i+1)
		}
		return found
	}
	i, found := s.index[str(member)]
	if found {
		s.removeAt(i)
	}
	return found
}

// removeAt removes the member at position i of the set's order.
func (s *set) removeAt(i int) {
	if s.isIntset() {
		s.ints = slices.Delete(s.ints, i, i+1)
		return
	}
	last := len(s.members) - 1
	gone := s.members[i]
	s.bytes -= allocSize(len(gone))
	s.members[i] = s.members[last]
	s.index[s.members[i]] = i
	s.members[last] = "" // let the removed member go
	s.members = s.members[:last]
	delete(s.index, gone)
}

// has reports whether member is in the set.
func (s *set) has(member []byte) bool {
	if s.isIntset() {
		n, ok := parseInt(member)
		return ok && s.hasInt(n)
	}
	_, found := s.index[str(member)]
	return found
}

// hasInt reports whether the member whose decimal form is n is in the set.
func (s *set) hasInt(n int64) bool {
	if s.isIntset() {
		_, found := slices.BinarySearch(s.ints, n)
		return found
	}
	var buf [20]byte
	_, found := s.index[string(strconv.AppendInt(buf[:0], n, 10))]
	return found
}

// at returns the member at position i of the set's order: ascending for
// an intset. The caller may keep it.
func (s *set) at(i int) []byte {
	if s.isIntset() {
		return strconv.AppendInt(nil, s.ints[i], 10)
	}
	return bytesOf(s.members[i])
}

// list returns every member in the set's order: ascending for an intset.
// The caller may keep the slice and the members, which must not be
// changed; an intset's are formatted into one buffer.
func (s *set) list() [][]byte {
	out := make([][]byte, s.len())
	if !s.isIntset() {
		for i, m := range s.members {
			out[i] = bytesOf(m)
		}
		return out
	}
	buf := make([]byte, 0, 8*len(s.ints))
	for i, n := range s.ints {
		start := len(buf)
		buf = strconv.AppendInt(buf, n, 10)
		// Growing buf leaves earlier members in the old array, which
		// still holds them; the cap keeps appends off the next member.
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out
}

// toHashtable converts an intset to a hash table, for good.
func (s *set) toHashtable() {
	h := newHashtableSet(len(s.ints))
	for _, n := range s.ints {
		m := strconv.FormatInt(n, 10)
		h.index[m] = len(h.members)
		h.members = append(h.members, m)
		h.bytes += allocSize(len(m))
	}
	h.cowMark = s.cowMark
	*s = *h
}

// randomIndex returns the position of a member chosen uniformly at
// random; the set must not be empty.
func (s *set) randomIndex() int { return rand.IntN(s.len()) }

// SetValue returns a set of members, in the encoding Redis 7.0 gives a
// set it loads from a snapshot: an intset when there are at most
// set-max-intset-entries members and every one is an integer in
// canonical form, a hash table otherwise. Repeated members count once.
// The engine copies what it keeps of members.
func SetValue(members [][]byte) Value {
	s := &set{}
	if len(members) > setMaxIntsetEntries {
		s = newHashtableSet(len(members))
	}
	for _, m := range members {
		s.add(m)
	}
	return Value{value{obj: s}}
}

// Members calls fn with each member of a set until fn returns an error:
// an intset's in ascending order, a hash table's in no particular order.
// fn may keep member but must not change it.
func (v Value) Members(fn func(member []byte) error) error {
	s, ok := v.v.obj.(*set)
	if !ok {
		return nil
	}
	if s.isIntset() {
		for _, m := range s.list() {
			if err := fn(m); err != nil {
				return err
			}
		}
		return nil
	}
	for _, m := range s.members {
		if err := fn(bytesOf(m)); err != nil {
			return err
		}
	}
	return nil
}

// each visits every member, each scoring 1, as the sorted set operations
// (ZUNION, ZINTER, ZDIFF and their STORE forms) read a set.
func (s *set) each(fn func(member string, score float64) bool) {
	for i := range s.len() {
		if !fn(str(s.at(i)), 1) {
			return
		}
	}
}

// find returns 1, a set member's score in the sorted set operations.
func (s *set) find(member string) (float64, bool) {
	if s.has(bytesOf(member)) {
		return 1, true
	}
	return 0, false
}
