package engine

import "slices"

// zinput is one input of ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE
// forms: a sorted set, or a set, whose members all score 1.
type zinput interface {
	len() int
	// each calls fn with every member and its score until fn returns
	// false; a sorted set goes from the highest score down, as Redis's
	// iterator does.
	each(fn func(member string, score float64) bool)
	// find returns member's score.
	find(member string) (float64, bool)
}

// each visits the members from the highest score down.
func (z *zset) each(fn func(member string, score float64) bool) {
	for x := z.tail; x != nil; x = x.prev {
		if !fn(x.member, x.score) {
			return
		}
	}
}

// find returns member's score.
func (z *zset) find(member string) (float64, bool) {
	if x, ok := z.members[member]; ok {
		return x.score, true
	}
	return 0, false
}

// zsetSource returns key's value as an input of a sorted set operation:
// nil when key is missing (an empty input), WRONGTYPE when its kind is
// not one the operations read. Each kind that may be an input has its
// case here.
func zsetSource(db *DB, key []byte) (zinput, error) {
	v, ok := db.lookupRead(key)
	if !ok {
		return nil, nil
	}
	switch v.kind() {
	case KindZSet:
		return v.obj.(*zset), nil
	case KindSet:
		return v.obj.(*set), nil
	}
	return nil, ErrWrongType
}

// zsetOp is the operation of ZUNION, ZINTER or ZDIFF.
type zsetOp int

const (
	opUnion zsetOp = iota
	opInter
	opDiff
)

// aggregate is how ZUNION and ZINTER combine the scores of a member
// found in several inputs.
type aggregate int

const (
	aggSum aggregate = iota
	aggMin
	aggMax
)

// combine folds v into t as Redis's zunionInterAggregate: a sum of inf
// and -inf is 0, never NaN.
func (a aggregate) combine(t, v float64) float64 {
	switch a {
	case aggMin:
		if v < t {
			return v
		}
		return t
	case aggMax:
		if v > t {
			return v
		}
		return t
	}
	t += v
	if t != t {
		return 0
	}
	return t
}

// weighted returns score times weight, 0 when that is NaN (0 times inf).
func weighted(score, weight float64) float64 {
	s := score * weight
	if s != s {
		return 0
	}
	return s
}

// inputLen is an input's size, 0 for a missing key.
func inputLen(in zinput) int {
	if in == nil {
		return 0
	}
	return in.len()
}

// bySize returns the inputs' positions from the smallest input to the
// largest, keeping the given order among equals: the order Redis combines
// them in, which decides a sum's rounding.
func bySize(ins []zinput) []int {
	order := make([]int, len(ins))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return inputLen(ins[a]) - inputLen(ins[b]) })
	return order
}

// zunion returns the members of any input, each with its weighted scores
// combined, in no particular order.
func zunion(ins []zinput, weights []float64, agg aggregate) []zsetEntry {
	var out []zsetEntry
	at := make(map[string]int)
	for _, i := range bySize(ins) {
		if inputLen(ins[i]) == 0 {
			continue
		}
		w := weights[i]
		ins[i].each(func(m string, s float64) bool {
			score := weighted(s, w)
			if k, ok := at[m]; ok {
				out[k].score = agg.combine(out[k].score, score)
			} else {
				at[m] = len(out)
				out = append(out, zsetEntry{m, score})
			}
			return true
		})
	}
	return out
}

// zinter returns the members of every input, each with its weighted
// scores combined, in no particular order. With limit above 0 it stops
// after that many, for ZINTERCARD.
func zinter(ins []zinput, weights []float64, agg aggregate, limit int64) []zsetEntry {
	order := bySize(ins)
	first := order[0]
	if inputLen(ins[first]) == 0 {
		return nil
	}
	var out []zsetEntry
	ins[first].each(func(m string, s float64) bool {
		score := weighted(s, weights[first])
		for _, k := range order[1:] {
			v, ok := ins[k].find(m)
			if !ok {
				return true
			}
			score = agg.combine(score, v*weights[k])
		}
		out = append(out, zsetEntry{m, score})
		return limit <= 0 || int64(len(out)) < limit
	})
	return out
}

// zdiff returns the members of the first input that no other input has,
// with their scores in the first, in no particular order.
func zdiff(ins []zinput) []zsetEntry {
	if inputLen(ins[0]) == 0 {
		return nil
	}
	var out []zsetEntry
	ins[0].each(func(m string, s float64) bool {
		for _, in := range ins[1:] {
			if in == nil {
				continue
			}
			if _, ok := in.find(m); ok {
				return true
			}
		}
		out = append(out, zsetEntry{m, s})
		return true
	})
	return out
}

// sortEntries puts entries in a sorted set's order: by score, then member.
func sortEntries(entries []zsetEntry) {
	slices.SortFunc(entries, func(a, b zsetEntry) int {
		switch {
		case a.score < b.score:
			return -1
		case a.score > b.score:
			return 1
		case a.member < b.member:
			return -1
		case a.member > b.member:
			return 1
		}
		return 0
	})
}
