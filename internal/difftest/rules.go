package difftest

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/photondb/photon/resp"
)

// Rule says how to compare the replies of one command where Redis leaves
// something unspecified.
type Rule struct {
	// Probe, when set, returns a command sent to Redis only, right after
	// the command, whose reply Same receives: for instance OBJECT
	// ENCODING, which tells whether Redis promises an order.
	Probe func(args []string) []string
	// Same reports whether photon's and Redis's replies agree; probe is
	// the reply to Probe (a zero Value without one).
	Same func(photon, redis, probe resp.Value) bool
	// For, when set, returns the rule for one command's arguments, for
	// replies whose comparison depends on them (a count, an option).
	For func(args []string) Rule
}

// Exact compares two replies exactly: kind, bytes (a double as sent),
// integers, and every element in order.
func Exact(a, b resp.Value) bool {
	if a.Kind != b.Kind || a.Int != b.Int || a.Fmt != b.Fmt || !bytes.Equal(a.Str, b.Str) || len(a.Elems) != len(b.Elems) {
		return false
	}
	for i := range a.Elems {
		if !Exact(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

// Unordered is a rule for a reply whose elements (or, for a RESP3 map,
// whose pairs) come in no specified order, such as KEYS.
var Unordered = Rule{Same: func(p, r, _ resp.Value) bool { return sameUnordered(p, r, 1) }}

// UnorderedPairs is a rule for a flat array of pairs (HGETALL in RESP2)
// or a map whose pairs come in no specified order.
var UnorderedPairs = Rule{Same: func(p, r, _ resp.Value) bool { return sameUnordered(p, r, 2) }}

// UnorderedUnlessEncoding compares the reply of a command whose first
// argument is a key exactly when Redis keeps that key in one of the
// given encodings (which have an order, such as listpack), and without
// order otherwise (hashtable). group is 1 for a list of elements and 2
// for field, value pairs.
func UnorderedUnlessEncoding(group int, ordered ...string) Rule {
	return Rule{
		Probe: func(args []string) []string {
			if len(args) < 2 {
				return nil
			}
			return []string{"OBJECT", "ENCODING", args[1]}
		},
		Same: func(p, r, probe resp.Value) bool {
			if probe.Kind == resp.BulkString && slices.Contains(ordered, string(probe.Str)) {
				return Exact(p, r)
			}
			return sameUnordered(p, r, group)
		},
	}
}

// sameUnordered compares two aggregate replies as multisets of groups of
// n elements (n is 2 for flat pairs); maps always compare by pairs.
// Other replies compare exactly.
func sameUnordered(a, b resp.Value, n int) bool {
	if a.Kind != b.Kind || len(a.Elems) != len(b.Elems) {
		return false
	}
	switch a.Kind {
	case resp.Array, resp.Set, resp.Push:
	case resp.Map:
		n = 2
	default:
		return Exact(a, b)
	}
	if len(a.Elems)%n != 0 {
		return Exact(a, b)
	}
	return slices.Equal(groups(a.Elems, n), groups(b.Elems, n))
}

// groups renders elems in groups of n, sorted.
func groups(elems []resp.Value, n int) []string {
	var out []string
	for i := 0; i < len(elems); i += n {
		var sb strings.Builder
		for _, e := range elems[i : i+n] {
			sb.WriteString(e.String())
			sb.WriteByte(0)
		}
		out = append(out, sb.String())
	}
	slices.Sort(out)
	return out
}

// Approx is a rule for an integer reply that counts time remaining, such
// as TTL or PTTL: the servers run the command a moment apart, so two
// non-negative counts agree when they differ by at most slack; -1 and
// -2 (no TTL, no key) must be the same.
func Approx(slack int64) Rule {
	return Rule{Same: func(p, r, _ resp.Value) bool {
		if p.Kind != resp.Integer || r.Kind != resp.Integer || p.Int < 0 || r.Int < 0 {
			return Exact(p, r)
		}
		return max(p.Int-r.Int, r.Int-p.Int) <= slack
	}}
}

// Shape is a rule for a reply that depends on the clock, the server's
// history or its identity (TIME, INFO, CLIENT ID): the replies agree
// when they are of the same kind, and, for arrays, of the same length
// with elements of the same kinds. Errors still compare exactly.
var Shape = Rule{Same: sameShape}

func sameShape(p, r, _ resp.Value) bool {
	if p.Kind == resp.Error || r.Kind == resp.Error {
		return Exact(p, r)
	}
	if !sameLength(p, r, resp.Value{}) {
		return false
	}
	for i := range p.Elems {
		if p.Elems[i].Kind != r.Elems[i].Kind {
			return false
		}
	}
	return true
}

// sameLength compares replies whose elements come in no defined order
// and are not all there (SORT without sorting, cut by LIMIT): they agree
// when they are of the same kind and, for arrays, of the same length.
// Errors still compare exactly.
func sameLength(p, r, _ resp.Value) bool {
	if p.Kind == resp.Error || r.Kind == resp.Error {
		return Exact(p, r)
	}
	return p.Kind == r.Kind && len(p.Elems) == len(r.Elems)
}

// KindOnly is a rule for a reply whose contents and length depend on the
// server's history (SLOWLOG GET): the replies agree when they are of the
// same kind. Errors still compare exactly.
var KindOnly = Rule{Same: sameKind}

func sameKind(p, r, _ resp.Value) bool {
	if p.Kind == resp.Error || r.Kind == resp.Error {
		return Exact(p, r)
	}
	return p.Kind == r.Kind
}

// MapExcept is a rule for a map (or, in RESP2, a flat array of pairs)
// that must have the same keys in the same order and the same values
// except at the keys named, which identify the server (HELLO's server,
// version and id).
func MapExcept(ignore ...string) Rule {
	return Rule{Same: func(p, r, _ resp.Value) bool {
		if p.Kind != r.Kind || (p.Kind != resp.Map && p.Kind != resp.Array) || len(p.Elems) != len(r.Elems) || len(p.Elems)%2 != 0 {
			return Exact(p, r)
		}
		for i := 0; i < len(p.Elems); i += 2 {
			if !Exact(p.Elems[i], r.Elems[i]) {
				return false
			}
			if !slices.Contains(ignore, string(p.Elems[i].Str)) && !Exact(p.Elems[i+1], r.Elems[i+1]) {
				return false
			}
		}
		return true
	}}
}

// RandomMembers is a rule for SRANDMEMBER, ZRANDMEMBER and HRANDFIELD,
// whose members Redis picks at random: without a count, the replies
// agree when of the same kind (nil for no key); with a positive count
// that the reply falls short of, the reply is the whole collection,
// compared without order; otherwise only the number of members must
// agree. group is 2 when WITHSCORES (or HRANDFIELD's WITHVALUES) pairs a
// score or value with each member in a flat array.
func RandomMembers(group int) Rule {
	return Rule{For: func(args []string) Rule {
		if len(args) < 3 {
			return KindOnly
		}
		count, err := strconv.ParseInt(args[2], 10, 64)
		if err != nil {
			return Rule{Same: exactRule}
		}
		withScores := len(args) > 3 && (strings.EqualFold(args[3], "WITHSCORES") || strings.EqualFold(args[3], "WITHVALUES"))
		return Rule{Same: func(p, r, _ resp.Value) bool {
			if p.Kind == resp.Error || r.Kind == resp.Error || p.Kind != r.Kind || len(p.Elems) != len(r.Elems) {
				return Exact(p, r)
			}
			n := len(r.Elems)
			g := 1
			if withScores && group == 2 && n > 0 && r.Elems[0].Kind != resp.Array {
				g = 2
			}
			if count > 0 && int64(n/g) < count {
				return sameUnordered(p, r, g)
			}
			return true
		}}
	}}
}

// ScanReply is a rule for SCAN, SSCAN and ZSCAN, whose cursors walk hash
// tables that differ between the servers. A walk from cursor 0 that
// ended (cursor 0 again) on both must have found the same elements,
// without order; one that ended only on photon (which may answer a whole
// small collection at once) must hold what Redis returned; otherwise,
// and for a walk from another cursor, only the shape must agree. at is
// the position of the cursor argument; group is 2 for ZSCAN's member,
// score pairs.
func ScanReply(at, group int) Rule {
	return Rule{For: func(args []string) Rule {
		if len(args) <= at || args[at] != "0" {
			return Shape
		}
		return Rule{Same: func(p, r, _ resp.Value) bool { return sameScan(p, r, group) }}
	}}
}

func sameScan(p, r resp.Value, group int) bool {
	if p.Kind != resp.Array || r.Kind != resp.Array || len(p.Elems) != 2 || len(r.Elems) != 2 {
		return Exact(p, r)
	}
	pc, rc := string(p.Elems[0].Str), string(r.Elems[0].Str)
	switch {
	case pc == "0" && rc == "0":
		return sameUnordered(p.Elems[1], r.Elems[1], group)
	case pc == "0":
		if len(p.Elems[1].Elems)%group != 0 || len(r.Elems[1].Elems)%group != 0 {
			return false
		}
		have := map[string]bool{}
		for _, s := range groups(p.Elems[1].Elems, group) {
			have[s] = true
		}
		for _, s := range groups(r.Elems[1].Elems, group) {
			if !have[s] {
				return false
			}
		}
		return true
	}
	return sameShape(p, r, resp.Value{})
}

// ruleFor returns the rule for a command: the family rule for "NAME|SUB"
// or "NAME", or exact comparison.
func ruleFor(rules map[string]Rule, args []string) Rule {
	if len(args) == 0 {
		return Rule{Same: exactRule}
	}
	name := strings.ToUpper(args[0])
	if len(args) > 1 {
		if r, ok := rules[name+"|"+strings.ToUpper(args[1])]; ok {
			return r
		}
	}
	if r, ok := rules[name]; ok {
		return r
	}
	return Rule{Same: exactRule}
}

func exactRule(p, r, _ resp.Value) bool { return Exact(p, r) }
