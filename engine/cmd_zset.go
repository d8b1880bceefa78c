package engine

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// sortedSetCommands are the sorted_set group's rows of the command table.
func sortedSetCommands() []*Command {
	const g = "sorted_set"
	return []*Command{
		{Name: "ZADD", Group: g, Arity: -4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]", Summary: "Add one or more members to a sorted set, or update its score if it already exists", Since: "1.2.0", Run: cmdZadd},
		{Name: "ZCARD", Group: g, Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the number of members in a sorted set", Since: "1.2.0", Run: cmdZcard},
		{Name: "ZCOUNT", Group: g, Arity: 4, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key min max", Summary: "Count the members in a sorted set with scores within the given values", Since: "2.0.0", Run: cmdZcount},
		{Name: "ZDIFF", Group: g, Arity: -3, Flags: ReadOnly, Keys: Keys{0, 0, 0},
			Args: "numkeys key [key ...] [WITHSCORES]", Summary: "Subtract multiple sorted sets", Since: "6.2.0", Run: cmdZdiff},
		{Name: "ZDIFFSTORE", Group: g, Arity: -4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "destination numkeys key [key ...]", Summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key", Since: "6.2.0", Run: cmdZdiffstore},
		{Name: "ZINCRBY", Group: g, Arity: 4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key increment member", Summary: "Increment the score of a member in a sorted set", Since: "1.2.0", Run: cmdZincrby},
		{Name: "ZINTER", Group: g, Arity: -3, Flags: ReadOnly, Keys: Keys{0, 0, 0},
			Args: "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]", Summary: "Intersect multiple sorted sets", Since: "6.2.0", Run: cmdZinter},
		{Name: "ZINTERCARD", Group: g, Arity: -3, Flags: ReadOnly, Keys: Keys{0, 0, 0},
			Args: "numkeys key [key ...] [LIMIT limit]", Summary: "Intersect multiple sorted sets and return the cardinality of the result", Since: "7.0.0", Run: cmdZintercard},
		{Name: "ZINTERSTORE", Group: g, Arity: -4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]", Summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key", Since: "2.0.0", Run: cmdZinterstore},
		{Name: "ZLEXCOUNT", Group: g, Arity: 4, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key min max", Summary: "Count the number of members in a sorted set between a given lexicographical range", Since: "2.8.9", Run: cmdZlexcount},
		{Name: "ZMPOP", Group: g, Arity: -4, Flags: Write, Keys: Keys{0, 0, 0},
			Args: "numkeys key [key ...] MIN|MAX [COUNT count]", Summary: "Remove and return members with scores in a sorted set", Since: "7.0.0", Run: cmdZmpop},
		{Name: "ZMSCORE", Group: g, Arity: -3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key member [member ...]", Summary: "Get the score associated with the given members in a sorted set", Since: "6.2.0", Run: cmdZmscore},
		{Name: "ZPOPMAX", Group: g, Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Remove and return members with the highest scores in a sorted set", Since: "5.0.0", Run: cmdZpopmax},
		{Name: "ZPOPMIN", Group: g, Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Remove and return members with the lowest scores in a sorted set", Since: "5.0.0", Run: cmdZpopmin},
		{Name: "ZRANDMEMBER", Group: g, Arity: -2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key [count [WITHSCORES]]", Summary: "Get one or multiple random elements from a sorted set", Since: "6.2.0", Run: cmdZrandmember},
		{Name: "ZRANGE", Group: g, Arity: -4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]", Summary: "Return a range of members in a sorted set", Since: "1.2.0", Run: cmdZrange},
		{Name: "ZRANGEBYLEX", Group: g, Arity: -4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key min max [LIMIT offset count]", Summary: "Return a range of members in a sorted set, by lexicographical range", Since: "2.8.9", Run: cmdZrangebylex},
		{Name: "ZRANGEBYSCORE", Group: g, Arity: -4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key min max [WITHSCORES] [LIMIT offset count]", Summary: "Return a range of members in a sorted set, by score", Since: "1.0.5", Run: cmdZrangebyscore},
		{Name: "ZRANGESTORE", Group: g, Arity: -5, Flags: Write | DenyOOM, Keys: Keys{1, 2, 1},
			Args: "dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]", Summary: "Store a range of members from sorted set into another key", Since: "6.2.0", Run: cmdZrangestore},
		{Name: "ZRANK", Group: g, Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key member", Summary: "Determine the index of a member in a sorted set", Since: "2.0.0", Run: cmdZrank},
		{Name: "ZREM", Group: g, Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key member [member ...]", Summary: "Remove one or more members from a sorted set", Since: "1.2.0", Run: cmdZrem},
		{Name: "ZREMRANGEBYLEX", Group: g, Arity: 4, Flags: Write, Keys: Keys{1, 1, 1},
			Args: "key min max", Summary: "Remove all members in a sorted set between the given lexicographical range", Since: "2.8.9", Run: cmdZremrangebylex},
		{Name: "ZREMRANGEBYRANK", Group: g, Arity: 4, Flags: Write, Keys: Keys{1, 1, 1},
			Args: "key start stop", Summary: "Remove all members in a sorted set within the given indexes", Since: "2.0.0", Run: cmdZremrangebyrank},
		{Name: "ZREMRANGEBYSCORE", Group: g, Arity: 4, Flags: Write, Keys: Keys{1, 1, 1},
			Args: "key min max", Summary: "Remove all members in a sorted set within the given scores", Since: "1.2.0", Run: cmdZremrangebyscore},
		{Name: "ZREVRANGE", Group: g, Arity: -4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key start stop [WITHSCORES]", Summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low", Since: "1.2.0", Run: cmdZrevrange},
		{Name: "ZREVRANGEBYLEX", Group: g, Arity: -4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key max min [LIMIT offset count]", Summary: "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", Since: "2.8.9", Run: cmdZrevrangebylex},
		{Name: "ZREVRANGEBYSCORE", Group: g, Arity: -4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key max min [WITHSCORES] [LIMIT offset count]", Summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low", Since: "2.2.0", Run: cmdZrevrangebyscore},
		{Name: "ZREVRANK", Group: g, Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key member", Summary: "Determine the index of a member in a sorted set, with scores ordered from high to low", Since: "2.0.0", Run: cmdZrevrank},
		{Name: "ZSCAN", Group: g, Arity: -3, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key cursor [MATCH pattern] [COUNT count]", Summary: "Incrementally iterate sorted sets elements and associated scores", Since: "2.8.0", Run: cmdZscan},
		{Name: "ZSCORE", Group: g, Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key member", Summary: "Get the score associated with the given member in a sorted set", Since: "1.2.0", Run: cmdZscore},
		{Name: "ZUNION", Group: g, Arity: -3, Flags: ReadOnly, Keys: Keys{0, 0, 0},
			Args: "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]", Summary: "Add multiple sorted sets", Since: "6.2.0", Run: cmdZunion},
		{Name: "ZUNIONSTORE", Group: g, Arity: -4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]", Summary: "Add multiple sorted sets and store the resulting sorted set in a new key", Since: "2.0.0", Run: cmdZunionstore},
	}
}

// These errors can occur when a sorted set command's arguments do not
// make sense together or do not parse.
var (
	errZsetXXNX          = errf("XX and NX options at the same time are not compatible")
	errZsetGTLTNX        = errf("GT, LT, and/or NX options at the same time are not compatible")
	errZsetIncrPair      = errf("INCR option supports a single increment-element pair")
	errZsetNaN           = errf("resulting score is not a number (NaN)")
	errZsetMinMaxFloat   = errf("min or max is not a float")
	errZsetLexRange      = errf("min or max not valid string range item")
	errZsetLimitRank     = errf("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	errZsetWithScoresLex = errf("syntax error, WITHSCORES not supported in combination with BYLEX")
	errZsetWeight        = errf("weight value is not a float")
	errZsetLimitNegative = errf("LIMIT can't be negative")
	errZsetCursor        = errf("invalid cursor")
	errZsetOutOfRange    = errf("value is out of range")
	errZsetRandCount     = errf("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
)

// errZsetNoKeys answers a ZUNION-like command given no input keys.
func errZsetNoKeys(cmd []byte) *Error {
	return errf("at least 1 input key is needed for '" + strings.ToLower(string(cmd)) + "' command")
}

// getZset returns key's sorted set; ok is false when key is missing.
func (db *DB) getZset(key []byte) (z *zset, ok bool, err error) {
	return zsetOf(db.lookupRead(key))
}

// getZsetWrite is getZset for a command that changes the set: as Redis's
// lookupKeyWrite, it does not count a keyspace hit or miss.
func (db *DB) getZsetWrite(key []byte) (z *zset, ok bool, err error) {
	return zsetOf(db.lookup(key))
}

// zsetOf returns the sorted set a looked-up value holds.
func zsetOf(v value, ok bool) (*zset, bool, error) {
	if !ok {
		return nil, false, nil
	}
	z, isZset := v.obj.(*zset)
	if !isZset {
		return nil, false, ErrWrongType
	}
	return z, true, nil
}

// dropIfEmpty deletes key when its sorted set has no members left, as
// Redis never keeps an empty collection.
func (db *DB) dropIfEmpty(key []byte, z *zset) {
	if z.len() == 0 {
		db.del(key)
	}
}

// memberBytes returns a member for a reply; an empty member is an empty
// bulk string, never the nil that a null reply would be.
func memberBytes(s string) []byte {
	if s == "" {
		return []byte{}
	}
	return bytesOf(s)
}

// scoredReply lists members, with their scores when asked: flat (member,
// score, member, score...) for RESP2, or one [member, score] array each
// when nested, as Redis answers RESP3 clients so that order survives.
func scoredReply(entries []zsetEntry, withScores, nested bool) Reply {
	if !withScores {
		out := make(Bulks, len(entries))
		for i, e := range entries {
			out[i] = memberBytes(e.member)
		}
		return out
	}
	if nested {
		out := make([]Reply, len(entries))
		for i, e := range entries {
			out[i] = []Reply{memberBytes(e.member), Double(e.score)}
		}
		return out
	}
	out := make([]Reply, 0, 2*len(entries))
	for _, e := range entries {
		out = append(out, memberBytes(e.member), Double(e.score))
	}
	return out
}

// resp3 reports whether the client speaks RESP3, where pairs of member
// and score come nested.
func (db *DB) resp3() bool { return db.sess.proto > 2 }

// zaddFlags are ZADD's options.
type zaddFlags struct{ nx, xx, gt, lt, ch, incr bool }

func cmdZadd(db *DB, args [][]byte) (Reply, error) {
	var f zaddFlags
	i := 2
options:
	for ; i < len(args); i++ {
		switch a := args[i]; {
		case equalFold(a, "NX"):
			f.nx = true
		case equalFold(a, "XX"):
			f.xx = true
		case equalFold(a, "CH"):
			f.ch = true
		case equalFold(a, "INCR"):
			f.incr = true
		case equalFold(a, "GT"):
			f.gt = true
		case equalFold(a, "LT"):
			f.lt = true
		default:
			break options
		}
	}
	return zadd(db, args[1], f, args[i:])
}

func cmdZincrby(db *DB, args [][]byte) (Reply, error) {
	return zadd(db, args[1], zaddFlags{incr: true}, args[2:])
}

// zadd applies score, member pairs to key as Redis's zaddGenericCommand:
// every argument is checked before anything changes, and a missing key is
// created unless XX is given.
func zadd(db *DB, key []byte, f zaddFlags, pairs [][]byte) (Reply, error) {
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return nil, ErrSyntax
	}
	switch {
	case f.nx && f.xx:
		return nil, errZsetXXNX
	case (f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt):
		return nil, errZsetGTLTNX
	case f.incr && len(pairs) > 2:
		return nil, errZsetIncrPair
	}
	scores := make([]float64, len(pairs)/2)
	for j := range scores {
		s, err := scoreArg(pairs[2*j])
		if err != nil {
			return nil, err
		}
		scores[j] = s
	}
	z, ok, err := db.getZsetWrite(key)
	switch {
	case err != nil:
		return nil, err
	case !ok && f.xx:
		return zaddReply(f, 0, false, 0), nil
	case !ok:
		z = newZset()
		db.create(key, value{obj: z})
	}
	var changed int64
	var counted int64 // what ZADD answers: added, or added and updated with CH
	processed := false
	var score float64
	for j, s := range scores {
		res, newScore, err := zaddOne(z, pairs[2*j+1], s, f)
		if err != nil {
			db.changed(changed)
			db.dropIfEmpty(key, z)
			return nil, err
		}
		switch res {
		case zaddAdded:
			changed++
			counted++
		case zaddUpdated:
			changed++
			if f.ch {
				counted++
			}
		}
		if res != zaddNop {
			processed, score = true, newScore
		}
	}
	db.changed(changed)
	return zaddReply(f, counted, processed, score), nil
}

// zaddReply answers ZADD with a count, or with INCR the new score (nil
// when nothing was done).
func zaddReply(f zaddFlags, counted int64, processed bool, score float64) Reply {
	if !f.incr {
		return counted
	}
	if !processed {
		return nil
	}
	return Double(score)
}

// zaddResult is what one ZADD pair did.
type zaddResult int

const (
	zaddNop     zaddResult = iota // the options kept it from changing anything
	zaddSame                      // the member already had the score
	zaddUpdated                   // the member's score changed
	zaddAdded                     // the member is new
)

// zaddOne applies one score, member pair as Redis's zsetAdd does and
// returns the member's new score. An increment whose result is NaN
// (inf plus -inf) is an error and changes nothing.
func zaddOne(z *zset, member []byte, score float64, f zaddFlags) (zaddResult, float64, error) {
	cur, exists := z.score(member)
	if !exists {
		if f.xx {
			return zaddNop, 0, nil
		}
		z.set(member, score)
		return zaddAdded, score, nil
	}
	if f.nx {
		return zaddNop, 0, nil
	}
	if f.incr {
		score += cur
		if math.IsNaN(score) {
			return zaddNop, 0, errZsetNaN
		}
	}
	if (f.lt && score >= cur) || (f.gt && score <= cur) {
		return zaddNop, 0, nil
	}
	if score == cur {
		return zaddSame, score, nil
	}
	z.set(member, score)
	return zaddUpdated, score, nil
}

func cmdZrem(db *DB, args [][]byte) (Reply, error) {
	z, ok, err := db.getZsetWrite(args[1])
	if err != nil || !ok {
		return zero, err
	}
	var n int64
	for _, m := range args[2:] {
		if z.remove(m) {
			n++
		}
	}
	db.changed(n)
	db.dropIfEmpty(args[1], z)
	return n, nil
}

func cmdZcard(db *DB, args [][]byte) (Reply, error) {
	z, ok, err := db.getZset(args[1])
	if err != nil || !ok {
		return zero, err
	}
	return int64(z.len()), nil
}

func cmdZscore(db *DB, args [][]byte) (Reply, error) {
	z, ok, err := db.getZset(args[1])
	if err != nil || !ok {
		return nil, err
	}
	if s, ok := z.score(args[2]); ok {
		return Double(s), nil
	}
	return nil, nil
}

func cmdZmscore(db *DB, args [][]byte) (Reply, error) {
	z, ok, err := db.getZset(args[1])
	if err != nil {
		return nil, err
	}
	out := make([]Reply, len(args)-2)
	for i, m := range args[2:] {
		if !ok {
			continue
		}
		if s, found := z.score(m); found {
			out[i] = Double(s)
		}
	}
	return out, nil
}

func cmdZrank(db *DB, args [][]byte) (Reply, error) { return zrank(db, args, false) }

func cmdZrevrank(db *DB, args [][]byte) (Reply, error) { return zrank(db, args, true) }

// zrank answers a member's rank, counted from the highest score when rev.
func zrank(db *DB, args [][]byte, rev bool) (Reply, error) {
	z, ok, err := db.getZset(args[1])
	if err != nil || !ok {
		return nil, err
	}
	r, ok := z.rank(args[2])
	if !ok {
		return nil, nil
	}
	if rev {
		r = z.len() - 1 - r
	}
	return int64(r), nil
}

func cmdZcount(db *DB, args [][]byte) (Reply, error) {
	r, err := parseScoreRange(args[2], args[3])
	if err != nil {
		return nil, err
	}
	z, ok, err := db.getZset(args[1])
	if err != nil || !ok {
		return zero, err
	}
	return int64(z.count(&r)), nil
}

func cmdZlexcount(db *DB, args [][]byte) (Reply, error) {
	r, err := parseLexRange(args[2], args[3])
	if err != nil {
		return nil, err
	}
	z, ok, err := db.getZset(args[1])
	if err != nil || !ok {
		return zero, err
	}
	return int64(z.lexCount(&r)), nil
}

// Ranges. ZRANGE and its older forms share one parser and one selection,
// as Redis's zrangeGenericCommand.

// rangeBy is what a range's ends are: ranks, scores or members.
type rangeBy int

const (
	byAuto rangeBy = iota // ZRANGE: ranks unless BYSCORE or BYLEX says otherwise
	byRank
	byScore
	byLex
)

// rangeDir is a range's direction.
type rangeDir int

const (
	dirAuto rangeDir = iota // ZRANGE: forward unless REV
	dirForward
	dirReverse
)

// zrangeSpec is a parsed range: its kind, direction, options and ends.
type zrangeSpec struct {
	by          rangeBy
	rev         bool
	withScores  bool
	offset      int64
	limit       int64 // -1: no LIMIT
	start, stop int64 // byRank
	score       scoreRange
	lex         lexRange
}

func cmdZrange(db *DB, args [][]byte) (Reply, error) {
	return zrange(db, args, 1, nil, byAuto, dirAuto)
}

func cmdZrevrange(db *DB, args [][]byte) (Reply, error) {
	return zrange(db, args, 1, nil, byRank, dirReverse)
}

func cmdZrangebyscore(db *DB, args [][]byte) (Reply, error) {
	return zrange(db, args, 1, nil, byScore, dirForward)
}

func cmdZrevrangebyscore(db *DB, args [][]byte) (Reply, error) {
	return zrange(db, args, 1, nil, byScore, dirReverse)
}

func cmdZrangebylex(db *DB, args [][]byte) (Reply, error) {
	return zrange(db, args, 1, nil, byLex, dirForward)
}

func cmdZrevrangebylex(db *DB, args [][]byte) (Reply, error) {
	return zrange(db, args, 1, nil, byLex, dirReverse)
}

func cmdZrangestore(db *DB, args [][]byte) (Reply, error) {
	return zrange(db, args, 2, args[1], byAuto, dirAuto)
}

// zrange runs a range command whose source key is args[at]; with a dst it
// stores the range there and answers its size.
func zrange(db *DB, args [][]byte, at int, dst []byte, by rangeBy, dir rangeDir) (Reply, error) {
	sp, err := parseZrange(args, at, dst != nil, by, dir)
	if err != nil {
		return nil, err
	}
	z, ok, err := db.getZset(args[at])
	if err != nil {
		return nil, err
	}
	var entries []zsetEntry
	if ok {
		entries = z.selectRange(&sp)
	}
	if dst != nil {
		return zrangeStore(db, dst, entries, sp.by == byRank), nil
	}
	return scoredReply(entries, sp.withScores, db.resp3()), nil
}

// parseZrange reads a range's ends and options as Redis does: options
// first, in any order, then the conflicts between them, then the ends.
func parseZrange(args [][]byte, at int, store bool, by rangeBy, dir rangeDir) (zrangeSpec, error) {
	sp := zrangeSpec{limit: -1}
	for j := at + 3; j < len(args); j++ {
		left := len(args) - j - 1
		switch a := args[j]; {
		case !store && equalFold(a, "WITHSCORES"):
			sp.withScores = true
		case equalFold(a, "LIMIT") && left >= 2:
			var err error
			if sp.offset, err = intArg(args[j+1]); err != nil {
				return sp, err
			}
			if sp.limit, err = intArg(args[j+2]); err != nil {
				return sp, err
			}
			j += 2
		case dir == dirAuto && equalFold(a, "REV"):
			dir = dirReverse
		case by == byAuto && equalFold(a, "BYLEX"):
			by = byLex
		case by == byAuto && equalFold(a, "BYSCORE"):
			by = byScore
		default:
			return sp, ErrSyntax
		}
	}
	if by == byAuto {
		by = byRank
	}
	sp.by, sp.rev = by, dir == dirReverse
	if sp.limit != -1 && by == byRank {
		return sp, errZsetLimitRank
	}
	if sp.withScores && by == byLex {
		return sp, errZsetWithScoresLex
	}
	min, max := args[at+1], args[at+2]
	if sp.rev && by != byRank {
		min, max = max, min // given as max, min
	}
	var err error
	switch by {
	case byRank:
		if sp.start, err = intArg(min); err != nil {
			return sp, err
		}
		sp.stop, err = intArg(max)
	case byScore:
		sp.score, err = parseScoreRange(min, max)
	case byLex:
		sp.lex, err = parseLexRange(min, max)
	}
	return sp, err
}

// selectRange returns the members a range selects, in the range's order.
func (z *zset) selectRange(sp *zrangeSpec) []zsetEntry {
	if sp.by == byRank {
		return z.rankRange(sp.start, sp.stop, sp.rev)
	}
	var x *zslNode
	var in func(*zslNode) bool
	switch {
	case sp.by == byScore && !sp.rev:
		x, in = z.firstInRange(&sp.score), func(n *zslNode) bool { return sp.score.lteMax(n.score) }
	case sp.by == byScore:
		x, in = z.lastInRange(&sp.score), func(n *zslNode) bool { return sp.score.gteMin(n.score) }
	case !sp.rev:
		x, in = z.firstInLexRange(&sp.lex), func(n *zslNode) bool { return sp.lex.lteMax(n.member) }
	default:
		x, in = z.lastInLexRange(&sp.lex), func(n *zslNode) bool { return sp.lex.gteMin(n.member) }
	}
	step := (*zslNode).next
	if sp.rev {
		step = func(n *zslNode) *zslNode { return n.prev }
	}
	// As Redis's loops "while (node && offset--)" and "while (node &&
	// limit--)": a negative offset skips everything, a negative limit
	// takes everything.
	for off := sp.offset; x != nil && off != 0; off-- {
		x = step(x)
	}
	var out []zsetEntry
	for lim := sp.limit; x != nil && lim != 0 && in(x); lim-- {
		out = append(out, zsetEntry{x.member, x.score})
		x = step(x)
	}
	return out
}

// rankRange returns the members from rank start to stop, negative ranks
// counting from the end, from the highest score when rev.
func (z *zset) rankRange(start, stop int64, rev bool) []zsetEntry {
	n := int64(z.len())
	start, stop, ok := clampRanks(start, stop, n)
	if !ok {
		return nil
	}
	out := make([]zsetEntry, 0, stop-start+1)
	if rev {
		for x := z.at(int(n - 1 - start)); x != nil && len(out) < cap(out); x = x.prev {
			out = append(out, zsetEntry{x.member, x.score})
		}
		return out
	}
	for x := z.at(int(start)); x != nil && len(out) < cap(out); x = x.next() {
		out = append(out, zsetEntry{x.member, x.score})
	}
	return out
}

// clampRanks turns start and stop, negative ones counting from the end,
// into ranks within a set of n members; ok is false when the range is
// empty.
func clampRanks(start, stop, n int64) (int64, int64, bool) {
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= n {
		return 0, 0, false
	}
	if stop >= n {
		stop = n - 1
	}
	return start, stop, true
}

// zrangeStore stores entries at dst as ZRANGESTORE does, or deletes dst
// when there are none, and answers how many. Redis builds the result by
// adding the members one by one to a listpack (to a skip list when a rank
// range is known to exceed the listpack's limit), so it is built the same
// way here to end with the same encoding and the same -0 scores.
func zrangeStore(db *DB, dst []byte, entries []zsetEntry, byRank bool) Reply {
	// Only dst changes, not the source the row names.
	if len(entries) == 0 {
		if db.del(dst) {
			db.touch(dst)
		}
		return zero
	}
	z := newZset()
	z.big.Store(byRank && len(entries) > zsetMaxListpackEntries)
	for _, e := range entries {
		z.set(bytesOf(e.member), e.score)
	}
	db.set(dst, value{obj: z})
	db.touch(dst)
	return int64(len(entries))
}

func cmdZremrangebyrank(db *DB, args [][]byte) (Reply, error) {
	start, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	stop, err := intArg(args[3])
	if err != nil {
		return nil, err
	}
	return zremrange(db, args[1], func(z *zset) int {
		start, stop, ok := clampRanks(start, stop, int64(z.len()))
		if !ok {
			return 0
		}
		return z.removeRank(int(start), int(stop))
	})
}

func cmdZremrangebyscore(db *DB, args [][]byte) (Reply, error) {
	r, err := parseScoreRange(args[2], args[3])
	if err != nil {
		return nil, err
	}
	return zremrange(db, args[1], func(z *zset) int { return z.removeRange(&r) })
}

func cmdZremrangebylex(db *DB, args [][]byte) (Reply, error) {
	r, err := parseLexRange(args[2], args[3])
	if err != nil {
		return nil, err
	}
	return zremrange(db, args[1], func(z *zset) int { return z.removeLexRange(&r) })
}

// zremrange removes what remove selects from key's sorted set and
// answers how many members went.
func zremrange(db *DB, key []byte, remove func(*zset) int) (Reply, error) {
	z, ok, err := db.getZsetWrite(key)
	if err != nil || !ok {
		return zero, err
	}
	n := int64(remove(z))
	db.changed(n)
	db.dropIfEmpty(key, z)
	return n, nil
}

// Popping.

func cmdZpopmin(db *DB, args [][]byte) (Reply, error) { return zpopCommand(db, args, false) }

func cmdZpopmax(db *DB, args [][]byte) (Reply, error) { return zpopCommand(db, args, true) }

// zpopCommand answers ZPOPMIN and ZPOPMAX key [count]: flat member,
// score pairs, nested in RESP3 when a count was given.
func zpopCommand(db *DB, args [][]byte, high bool) (Reply, error) {
	if len(args) > 3 {
		return nil, ErrSyntax
	}
	count := int64(-1)
	if len(args) == 3 {
		c, ok := parseInt(args[2])
		if !ok || c < 0 {
			return nil, ErrNotPositive
		}
		count = c
	}
	z, key, err := firstZset(db, args[1:2])
	if err != nil {
		return nil, err
	}
	if z == nil || count == 0 {
		return []Reply{}, nil
	}
	entries := zpop(db, key, z, max(count, 1), high)
	return scoredReply(entries, true, db.resp3() && count != -1), nil
}

func cmdZmpop(db *DB, args [][]byte) (Reply, error) {
	keys, isMax, count, err := parseZmpop(args)
	if err != nil {
		return nil, err
	}
	return zmpop(db, keys, isMax, count)
}

// parseZmpop reads ZMPOP's numkeys key ... MIN|MAX [COUNT count], as
// args[1:]; BZMPOP passes its own arguments after the timeout.
func parseZmpop(args [][]byte) (keys [][]byte, isMax bool, count int64, err error) {
	keys, count, err = parseMpop(args, 1, func(where []byte) error {
		isMax = equalFold(where, "MAX")
		if !isMax && !equalFold(where, "MIN") {
			return ErrSyntax
		}
		return nil
	})
	return keys, isMax, count, err
}

// zmpop pops from the first of keys that holds a sorted set, or answers
// a null array when none does.
func zmpop(db *DB, keys [][]byte, isMax bool, count int64) (Reply, error) {
	z, key, err := firstZset(db, keys)
	if err != nil {
		return nil, err
	}
	if z == nil {
		return NullArray{}, nil
	}
	entries := zpop(db, key, z, count, isMax)
	db.touch(key) // the row names no keys
	// Journal what happened to the key it chose, as Redis replicates it.
	name := "ZPOPMIN"
	if isMax {
		name = "ZPOPMAX"
	}
	db.propagate([]byte(name), clone(key), strconv.AppendInt(nil, int64(len(entries)), 10))
	return []Reply{clone(key), scoredReply(entries, true, true)}, nil
}

// firstZset returns the first of keys that exists, as ZMPOP picks one;
// it is an error when that key does not hold a sorted set. z is nil when
// none exists.
func firstZset(db *DB, keys [][]byte) (z *zset, key []byte, err error) {
	for _, k := range keys {
		z, ok, err := db.getZsetWrite(k)
		if err != nil || ok {
			return z, k, err
		}
	}
	return nil, nil, nil
}

// zpop removes up to count members from the low end of z, or the high
// end when high, and returns them in the order they went.
func zpop(db *DB, key []byte, z *zset, count int64, high bool) []zsetEntry {
	n := min(count, int64(z.len()))
	out := make([]zsetEntry, 0, n)
	for range n {
		x := z.first()
		if high {
			x = z.tail
		}
		out = append(out, zsetEntry{x.member, x.score})
		z.removeNode(x)
	}
	db.changed(n)
	db.dropIfEmpty(key, z)
	return out
}

// Random members.

// maxRandCount is LONG_MAX/2, the largest count ZRANDMEMBER takes with
// WITHSCORES.
const maxRandCount = math.MaxInt64 / 2

func cmdZrandmember(db *DB, args [][]byte) (Reply, error) {
	if len(args) >= 3 {
		count, ok := parseInt(args[2])
		switch {
		case !ok:
			return nil, ErrNotInteger
		case count == math.MinInt64:
			return nil, errZsetRandCount
		case len(args) > 4 || (len(args) == 4 && !equalFold(args[3], "WITHSCORES")):
			return nil, ErrSyntax
		case len(args) == 4 && (count < -maxRandCount || count > maxRandCount):
			return nil, errZsetOutOfRange
		}
		return zrandmember(db, args[1], count, len(args) == 4)
	}
	z, ok, err := db.getZset(args[1])
	if err != nil || !ok {
		return nil, err
	}
	return memberBytes(z.at(rand.IntN(z.len())).member), nil
}

// zrandmember answers ZRANDMEMBER key count: distinct members when count
// is positive (all of them, from the highest score, when it covers the
// set), count members that may repeat when it is negative.
func zrandmember(db *DB, key []byte, count int64, withScores bool) (Reply, error) {
	z, ok, err := db.getZset(key)
	if err != nil {
		return nil, err
	}
	if !ok || count == 0 {
		return []Reply{}, nil
	}
	size := int64(z.len())
	var out []zsetEntry
	switch {
	case count < 0:
		out = make([]zsetEntry, 0, min(-count, 1<<16))
		for range -count {
			x := z.at(rand.IntN(int(size)))
			out = append(out, zsetEntry{x.member, x.score})
		}
	case count >= size:
		out = make([]zsetEntry, 0, size)
		for x := z.tail; x != nil; x = x.prev {
			out = append(out, zsetEntry{x.member, x.score})
		}
	default:
		out = make([]zsetEntry, 0, count)
		for _, r := range rand.Perm(int(size))[:count] {
			x := z.at(r)
			out = append(out, zsetEntry{x.member, x.score})
		}
	}
	return scoredReply(out, withScores, db.resp3()), nil
}

// Scanning.

func cmdZscan(db *DB, args [][]byte) (Reply, error) {
	if !validCursor(args[2]) {
		return nil, errZsetCursor
	}
	z, ok, err := db.getZset(args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		return []Reply{[]byte("0"), Bulks{}}, nil
	}
	var pattern []byte
	for i := 3; i < len(args); i += 2 {
		switch {
		case equalFold(args[i], "COUNT") && i+1 < len(args):
			n, err := intArg(args[i+1])
			if err != nil {
				return nil, err
			}
			if n < 1 {
				return nil, ErrSyntax
			}
		case equalFold(args[i], "MATCH") && i+1 < len(args):
			pattern = args[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		default:
			return nil, ErrSyntax
		}
	}
	// Every member in one reply, as Redis answers for a listpack.
	out := make(Bulks, 0, 2*z.len())
	for x := z.first(); x != nil; x = x.next() {
		m := memberBytes(x.member)
		if pattern != nil && !matchGlob(pattern, m, false) {
			continue
		}
		out = append(out, m, z.scoreText(x.score))
	}
	return []Reply{[]byte("0"), out}, nil
}

// scoreText returns a score as ZSCAN shows it: as the text Redis keeps
// in a listpack, where a whole number within ±2^62 is an integer, or as
// "%.17g" from a skip list.
func (z *zset) scoreText(f float64) []byte {
	if !z.big.Load() && f >= -(1<<62) && f <= 1<<62 && f == math.Trunc(f) {
		return strconv.AppendInt(nil, int64(f), 10)
	}
	return formatScore(nil, f)
}

// validCursor reports whether Redis's parseScanCursorOrReply takes b: what
// strtoul reads in base 10 (a sign, digits, no overflow), ending the
// argument or stopping at a NUL byte, with no leading space. "" reads as 0.
func validCursor(b []byte) bool {
	if len(b) > 0 && asciiSpace(b[0]) {
		return false
	}
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits := i
	var v uint64
	for ; i < len(b) && decimalDigit(b[i]); i++ {
		d := uint64(b[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			return false // ERANGE
		}
		v = v*10 + d
	}
	if i == digits {
		i = 0 // nothing read: strtoul's end is the start
	}
	return i == len(b) || b[i] == 0
}

// Operations on several sets.

func cmdZunion(db *DB, args [][]byte) (Reply, error) {
	return zsetOpCommand(db, args, nil, 1, opUnion, false)
}

func cmdZinter(db *DB, args [][]byte) (Reply, error) {
	return zsetOpCommand(db, args, nil, 1, opInter, false)
}

func cmdZdiff(db *DB, args [][]byte) (Reply, error) {
	return zsetOpCommand(db, args, nil, 1, opDiff, false)
}

func cmdZintercard(db *DB, args [][]byte) (Reply, error) {
	return zsetOpCommand(db, args, nil, 1, opInter, true)
}

func cmdZunionstore(db *DB, args [][]byte) (Reply, error) {
	return zsetOpCommand(db, args, args[1], 2, opUnion, false)
}

func cmdZinterstore(db *DB, args [][]byte) (Reply, error) {
	return zsetOpCommand(db, args, args[1], 2, opInter, false)
}

func cmdZdiffstore(db *DB, args [][]byte) (Reply, error) {
	return zsetOpCommand(db, args, args[1], 2, opDiff, false)
}

// zsetOpCommand runs ZUNION, ZINTER, ZDIFF, ZINTERCARD (cardOnly) and,
// with a dst, their STORE forms, as Redis's zunionInterDiffGenericCommand:
// the count of keys, then the keys (a key of another type is an error
// before any option is read), then the options each form allows.
func zsetOpCommand(db *DB, args [][]byte, dst []byte, numAt int, op zsetOp, cardOnly bool) (Reply, error) {
	numkeys, err := intArg(args[numAt])
	if err != nil {
		return nil, err
	}
	if numkeys < 1 {
		return nil, errZsetNoKeys(args[0])
	}
	if numkeys > int64(len(args)-numAt-1) {
		return nil, ErrSyntax
	}
	ins := make([]zinput, numkeys)
	weights := make([]float64, numkeys)
	for i := range ins {
		if ins[i], err = zsetSource(db, args[numAt+1+i]); err != nil {
			return nil, err
		}
		weights[i] = 1
	}
	agg, withScores, limit := aggSum, false, int64(0)
	for j := numAt + 1 + int(numkeys); j < len(args); {
		left := len(args) - j
		switch a := args[j]; {
		case op != opDiff && !cardOnly && left > int(numkeys) && equalFold(a, "WEIGHTS"):
			for i := range weights {
				w, ok := parseScore(args[j+1+i])
				if !ok {
					return nil, errZsetWeight
				}
				weights[i] = w
			}
			j += 1 + int(numkeys)
		case op != opDiff && !cardOnly && left >= 2 && equalFold(a, "AGGREGATE"):
			switch b := args[j+1]; {
			case equalFold(b, "SUM"):
				agg = aggSum
			case equalFold(b, "MIN"):
				agg = aggMin
			case equalFold(b, "MAX"):
				agg = aggMax
			default:
				return nil, ErrSyntax
			}
			j += 2
		case dst == nil && !cardOnly && equalFold(a, "WITHSCORES"):
			withScores = true
			j++
		case cardOnly && left >= 2 && equalFold(a, "LIMIT"):
			n, ok := parseInt(args[j+1])
			if !ok || n < 0 {
				return nil, errZsetLimitNegative
			}
			limit = n
			j += 2
		default:
			return nil, ErrSyntax
		}
	}
	var entries []zsetEntry
	switch {
	case op == opUnion:
		entries = zunion(ins, weights, agg)
	case op == opInter && cardOnly:
		return int64(len(zinter(ins, weights, agg, limit))), nil
	case op == opInter:
		entries = zinter(ins, weights, agg, 0)
	default:
		entries = zdiff(ins)
	}
	if dst == nil {
		sortEntries(entries)
		return scoredReply(entries, withScores, db.resp3()), nil
	}
	if len(entries) == 0 {
		db.del(dst)
		return zero, nil
	}
	db.set(dst, value{obj: zsetFrom(entries)})
	return int64(len(entries)), nil
}
