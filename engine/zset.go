package engine

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
)

// Redis keeps a small sorted set as a listpack and converts it, for good,
// to a skip list beside a hash table once it holds more than
// zset-max-listpack-entries members or a member longer than
// zset-max-listpack-value bytes. PhotonDB always keeps the skip list,
// whose ranks cost O(log n) at any size, and only remembers which form
// Redis would have: OBJECT ENCODING names it, and the two forms answer
// differently in two corners that clients can see. A listpack stores a
// score of -0 as the integer 0, and it finds the ends of a lex range by
// walking its elements one by one, which matters when members with
// different scores are not in lex order.
const (
	zsetMaxListpackEntries = 128
	zsetMaxListpackValue   = 64
)

// zslMaxLevel is the most levels a skip list node has, as Redis's
// ZSKIPLIST_MAXLEVEL; each level up holds about a quarter of the nodes
// of the one below.
const zslMaxLevel = 32

// zslLevel is one forward link of a skip list node.
type zslLevel struct {
	next *zslNode
	span int // how many nodes the link moves forward: 1 to the very next one
}

// zslNode is one member of a sorted set. The member is a string, so the
// members map shares its bytes and replies may alias them.
type zslNode struct {
	member string
	score  float64
	prev   *zslNode // the node before on level 0; nil for the first
	levels []zslLevel
}

// zset is a sorted set: a skip list ordered by score, then member bytes,
// whose links count the nodes they skip (as Redis's zskiplist), so that
// finding a rank or the node at a rank takes O(log n), and a map from
// member to node for O(1) scores.
type zset struct {
	cowMark          // see cow.go
	head    *zslNode // sentinel before the first node, with zslMaxLevel levels
	tail    *zslNode // the last node; nil when empty
	level   int      // levels in use, at least 1
	length  int      // nodes in the list; len(members) but while a node moves
	members map[string]*zslNode
	// big is set once Redis would keep the set as a skip list: it outgrew
	// the listpack limits, or SORT converted it. SORT_RO converts under
	// the read lock, hence the atomic.
	big atomic.Bool
}

// newZset returns an empty sorted set, a listpack as far as Redis is
// concerned.
func newZset() *zset {
	return &zset{
		head:    &zslNode{levels: make([]zslLevel, zslMaxLevel)},
		level:   1,
		members: make(map[string]*zslNode),
	}
}

func (z *zset) kind() Kind { return KindZSet }

func (z *zset) len() int { return len(z.members) }

func (z *zset) encoding() string {
	if z.big.Load() {
		return "skiplist"
	}
	return "listpack"
}

// clone returns an independent copy with the same encoding. The list is
// rebuilt in order in O(n); the members' strings are shared, as they
// never change.
func (z *zset) clone() object {
	c := newZset()
	c.big.Store(z.big.Load())
	var b zslBuilder
	b.start(c)
	for x := z.first(); x != nil; x = x.next() {
		b.add(x.member, x.score)
	}
	return c
}

// first returns the node with the lowest rank, or nil.
func (z *zset) first() *zslNode { return z.head.levels[0].next }

// next returns the node after x, or nil.
func (x *zslNode) next() *zslNode { return x.levels[0].next }

// before reports whether x sorts before a member with the given score.
func (x *zslNode) before(score float64, member string) bool {
	return x.score < score || (x.score == score && x.member < member)
}

// randomLevel returns a level between 1 and zslMaxLevel, each level
// a quarter as likely as the one below, as Redis's zslRandomLevel.
func randomLevel() int {
	level := 1
	for level < zslMaxLevel && rand.Uint32()&0xFFFF < 0xFFFF/4 {
		level++
	}
	return level
}

// score returns member's score.
func (z *zset) score(member []byte) (float64, bool) {
	x, ok := z.members[str(member)]
	if !ok {
		return 0, false
	}
	return x.score, true
}

// set gives member (copied) the score, adding it when new, and reports
// whether it was new. The caller checks that score is not NaN. A set that
// Redis would keep as a listpack stores -0 as 0, and outgrows that form
// when a member is added past the limits.
func (z *zset) set(member []byte, score float64) bool {
	if _, ok := z.members[str(member)]; !ok && !z.big.Load() &&
		(len(z.members)+1 > zsetMaxListpackEntries || len(member) > zsetMaxListpackValue) {
		// Redis converts before it inserts a member that does not fit:
		// that member's -0 is kept.
		z.big.Store(true)
	}
	if !z.big.Load() && score == 0 {
		score = 0 // a listpack keeps an integral score as an integer: -0 becomes 0
	}
	if x, ok := z.members[str(member)]; ok {
		if x.score != score {
			z.unlink(x)
			z.members[x.member] = z.insert(score, x.member)
		}
		return false
	}
	m := string(member)
	z.members[m] = z.insert(score, m)
	return true
}

// remove deletes member and reports whether it was there.
func (z *zset) remove(member []byte) bool {
	x, ok := z.members[str(member)]
	if !ok {
		return false
	}
	z.unlink(x)
	delete(z.members, x.member)
	return true
}

// removeNode deletes a node of the set.
func (z *zset) removeNode(x *zslNode) {
	z.unlink(x)
	delete(z.members, x.member)
}

// insert links a new node for a member that is not in the list, as
// Redis's zslInsert, and returns it.
func (z *zset) insert(score float64, member string) *zslNode {
	var update [zslMaxLevel]*zslNode
	var rank [zslMaxLevel]int
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		if i < z.level-1 {
			rank[i] = rank[i+1]
		}
		for next := x.levels[i].next; next != nil && next.before(score, member); next = x.levels[i].next {
			rank[i] += x.levels[i].span
			x = next
		}
		update[i] = x
	}
	level := randomLevel()
	if level > z.level {
		for i := z.level; i < level; i++ {
			update[i] = z.head
			z.head.levels[i].span = z.length
		}
		z.level = level
	}
	n := &zslNode{member: member, score: score, levels: make([]zslLevel, level)}
	for i := 0; i < level; i++ {
		n.levels[i].next = update[i].levels[i].next
		update[i].levels[i].next = n
		n.levels[i].span = update[i].levels[i].span - (rank[0] - rank[i])
		update[i].levels[i].span = rank[0] - rank[i] + 1
	}
	for i := level; i < z.level; i++ {
		update[i].levels[i].span++
	}
	if update[0] != z.head {
		n.prev = update[0]
	}
	if next := n.levels[0].next; next != nil {
		next.prev = n
	} else {
		z.tail = n
	}
	z.length++
	return n
}

// path fills update with the last node before x on each level.
func (z *zset) path(x *zslNode, update *[zslMaxLevel]*zslNode) {
	p := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := p.levels[i].next; next != nil && next.before(x.score, x.member); next = p.levels[i].next {
			p = next
		}
		update[i] = p
	}
}

// unlink takes x out of the list; the caller updates members.
func (z *zset) unlink(x *zslNode) {
	var update [zslMaxLevel]*zslNode
	z.path(x, &update)
	z.unlinkAt(x, &update)
}

// unlinkAt takes x out of the list given the last node before it on each
// level, as Redis's zslDeleteNode.
func (z *zset) unlinkAt(x *zslNode, update *[zslMaxLevel]*zslNode) {
	for i := 0; i < z.level; i++ {
		if update[i].levels[i].next == x {
			update[i].levels[i].span += x.levels[i].span - 1
			update[i].levels[i].next = x.levels[i].next
		} else {
			update[i].levels[i].span--
		}
	}
	if next := x.levels[0].next; next != nil {
		next.prev = x.prev
	} else {
		z.tail = x.prev
	}
	for z.level > 1 && z.head.levels[z.level-1].next == nil {
		z.level--
	}
	z.length--
}

// rank returns member's 0-based rank in ascending order.
func (z *zset) rank(member []byte) (int, bool) {
	x, ok := z.members[str(member)]
	if !ok {
		return 0, false
	}
	return z.rankOf(x), true
}

// rankOf returns the 0-based rank of a node in the list.
func (z *zset) rankOf(n *zslNode) int {
	rank := 0
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := x.levels[i].next; next != nil && (next.before(n.score, n.member) || next == n); next = x.levels[i].next {
			rank += x.levels[i].span
			x = next
		}
		if x == n {
			return rank - 1
		}
	}
	return rank - 1
}

// at returns the node at a 0-based rank, or nil when out of range.
func (z *zset) at(rank int) *zslNode {
	if rank < 0 || rank >= len(z.members) {
		return nil
	}
	target := rank + 1
	traversed := 0
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for x.levels[i].next != nil && traversed+x.levels[i].span <= target {
			traversed += x.levels[i].span
			x = x.levels[i].next
		}
		if traversed == target {
			return x
		}
	}
	return nil
}

// removeRank deletes the nodes of 0-based ranks start to end inclusive,
// which the caller has clamped to the list, and returns how many.
func (z *zset) removeRank(start, end int) int {
	var update [zslMaxLevel]*zslNode
	traversed := 0
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for x.levels[i].next != nil && traversed+x.levels[i].span <= start {
			traversed += x.levels[i].span
			x = x.levels[i].next
		}
		update[i] = x
	}
	removed := 0
	for x = x.levels[0].next; x != nil && traversed <= end; traversed++ {
		next := x.levels[0].next
		z.unlinkAt(x, &update)
		delete(z.members, x.member)
		removed++
		x = next
	}
	return removed
}

// removeWhile deletes nodes from x onwards while in says they are in
// range, given the last node before x on each level, and returns how many.
func (z *zset) removeWhile(x *zslNode, update *[zslMaxLevel]*zslNode, in func(*zslNode) bool) int {
	removed := 0
	for x != nil && in(x) {
		next := x.levels[0].next
		z.unlinkAt(x, update)
		delete(z.members, x.member)
		removed++
		x = next
	}
	return removed
}

// zslBuilder appends nodes in ascending order to an empty list in O(1)
// each, for copies and for results computed elsewhere and sorted.
type zslBuilder struct {
	z    *zset
	last [zslMaxLevel]*zslNode // the last node on each level
	n    int                   // nodes so far
	rank [zslMaxLevel]int      // the rank of last[i], 1-based; 0 for the head
}

func (b *zslBuilder) start(z *zset) {
	b.z = z
	for i := range b.last {
		b.last[i] = z.head
	}
}

// add appends a member that sorts after every member added before.
func (b *zslBuilder) add(member string, score float64) {
	z := b.z
	level := randomLevel()
	if level > z.level {
		z.level = level
	}
	n := &zslNode{member: member, score: score, levels: make([]zslLevel, level)}
	b.n++
	z.length++
	for i := 0; i < level; i++ {
		b.last[i].levels[i].next = n
		b.last[i].levels[i].span = b.n - b.rank[i]
		b.last[i], b.rank[i] = n, b.n
	}
	if b.n > 1 {
		n.prev = z.tail
	}
	z.tail = n
	z.members[member] = n
	// Links that reach past the end count the nodes up to it, as Redis's do.
	for i := level; i < z.level; i++ {
		b.last[i].levels[i].span = b.n - b.rank[i]
	}
}

// zsetEntry is a member and its score, for building a set from an
// unordered collection.
type zsetEntry struct {
	member string
	score  float64
}

// zsetFrom builds a set from entries with distinct members and no NaN
// score, in any order, and gives it the encoding Redis gives a result it
// builds whole (a STORE command's, or a set read from a snapshot): a
// listpack while it fits the limits, -0 scores becoming 0.
func zsetFrom(entries []zsetEntry) *zset {
	z := newZset()
	for _, e := range entries {
		if len(e.member) > zsetMaxListpackValue {
			z.big.Store(true)
		}
	}
	if len(entries) > zsetMaxListpackEntries {
		z.big.Store(true)
	}
	sortEntries(entries)
	var b zslBuilder
	b.start(z)
	for _, e := range entries {
		if !z.big.Load() && e.score == 0 {
			e.score = 0
		}
		b.add(e.member, e.score)
	}
	return z
}

// ZSetValue returns a sorted set of members with the given scores, for a
// snapshot read from disk; members[i] scores scores[i]. The engine keeps
// the members, which must not change afterwards. The caller refuses NaN
// scores, as Redis refuses a file that holds one; a NaN that gets here is
// stored as 0 so that the set stays ordered. A member given twice keeps
// its last score. As Redis does when it loads a file, the set is a
// listpack when it fits the limits, a skip list otherwise.
func ZSetValue(members [][]byte, scores []float64) Value {
	seen := make(map[string]int, len(members))
	entries := make([]zsetEntry, 0, len(members))
	for i, m := range members {
		s := scores[i]
		if math.IsNaN(s) {
			s = 0
		}
		if j, ok := seen[str(m)]; ok {
			entries[j].score = s
			continue
		}
		seen[str(m)] = len(entries)
		entries = append(entries, zsetEntry{member: str(m), score: s})
	}
	return Value{value{obj: zsetFrom(entries)}}
}

// ZMembers calls fn with each member of a sorted set and its score, in
// ascending order, until fn returns an error.
func (v Value) ZMembers(fn func(member []byte, score float64) error) error {
	z, ok := v.v.obj.(*zset)
	if !ok {
		return nil
	}
	for x := z.first(); x != nil; x = x.next() {
		if err := fn(bytesOf(x.member), x.score); err != nil {
			return err
		}
	}
	return nil
}
