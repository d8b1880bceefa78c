package engine

import (
	"bytes"
	"math"
	"slices"
	"strings"
)

// These errors can occur when COMMAND GETKEYS is given a command line it
// cannot find keys in.
var (
	errGetKeysCommand = errf("Invalid command specified")
	errGetKeysNoKeys  = errf("The command has no key arguments")
	errGetKeysArity   = errf("Invalid number of arguments specified for command")
	errGetKeysArgs    = errf("Invalid arguments specified for command")
)

// keyRef is a key found in a command line: its position and how the
// command uses it, as key spec flags.
type keyRef struct {
	pos   int
	flags []string
}

// Key flags the key finders of getKeysProcs report.
var (
	keysRO       = []string{"RO", "access"}
	keysRWAccess = []string{"RW", "access", "update"}
	keysOW       = []string{"OW", "update"}
)

// getKeysProcs find the keys of the commands whose key specs cannot say
// them all (SORT's STORE may come anywhere), or whose flags depend on the
// arguments (SET with GET reads its key), or, when the numkeys argument
// is not a count the key spec can use, read it as C's atoi does. They are
// Redis 7.0's getkeys_proc functions for the commands PhotonDB has; COMMAND
// INFO does not show which commands have one.
var getKeysProcs = map[string]func(args [][]byte) []keyRef{
	"sort":        sortKeys,
	"sort_ro":     func([][]byte) []keyRef { return []keyRef{{1, keysRO}} },
	"set":         setKeys,
	"bitfield":    bitfieldKeys,
	"zunionstore": numKeysFinder(1, 2, 3),
	"zinterstore": numKeysFinder(1, 2, 3),
	"zdiffstore":  numKeysFinder(1, 2, 3),
	"zunion":      numKeysFinder(0, 1, 2),
	"zinter":      numKeysFinder(0, 1, 2),
	"zdiff":       numKeysFinder(0, 1, 2),
	"zintercard":  numKeysFinder(0, 1, 2),
	"sintercard":  numKeysFinder(0, 1, 2),
	"lmpop":       numKeysFinder(0, 1, 2),
	"zmpop":       numKeysFinder(0, 1, 2),
	"blmpop":      numKeysFinder(0, 2, 3),
	"bzmpop":      numKeysFinder(0, 2, 3),
}

// getKeysReply answers COMMAND GETKEYS (and GETKEYSANDFLAGS, withFlags)
// for the command line line, finding its keys as Redis 7.0 does.
func getKeysReply(line [][]byte, withFlags bool) (Reply, error) {
	c := lookupBytes(line[0])
	if c == nil {
		return nil, errGetKeysCommand
	}
	name, arity, m := strings.ToLower(c.Name), c.Arity, c.meta
	if c.Subcommands != nil && len(line) > 1 {
		s := c.subcommand(line[1])
		if s == nil {
			return nil, errGetKeysCommand
		}
		name, arity, m = fullName(c, s), s.Arity, s.meta
	}
	proc := getKeysProcs[name]
	if proc == nil && !slices.ContainsFunc(m.keySpecs, isKey) {
		return nil, errGetKeysNoKeys
	}
	if arity > 0 && len(line) != arity || len(line) < -arity {
		return nil, errGetKeysArity
	}
	keys, ok := keysBySpecs(m.keySpecs, line)
	if !ok && proc != nil {
		keys = proc(line)
	}
	if len(keys) == 0 {
		if slices.Contains(m.flags, "no_mandatory_keys") {
			return []Reply{}, nil
		}
		return nil, errGetKeysArgs
	}
	out := make([]Reply, len(keys))
	for i, k := range keys {
		key := clone(line[k.pos])
		if withFlags {
			out[i] = []Reply{key, statusSet(k.flags)}
		} else {
			out[i] = key
		}
	}
	return out, nil
}

// isKey reports whether a key spec is of real keys, not of the shard
// channels SPUBLISH and SSUBSCRIBE declare as keys for cluster routing.
func isKey(ks keySpec) bool { return !slices.Contains(ks.flags, "not_key") }

// keysBySpecs finds the keys of a command line by its key specs, as
// Redis's getKeysUsingKeySpecs does. It reports false when the specs
// cannot tell (a spec is of unknown shape or incomplete, or its flags
// vary with the arguments), or when the line does not fit them (a
// numkeys that is not a count, keys beyond the line): then the command's
// getkeys proc, if it has one, decides.
func keysBySpecs(specs []keySpec, line [][]byte) ([]keyRef, bool) {
	if !slices.ContainsFunc(specs, isKey) || slices.ContainsFunc(specs, func(ks keySpec) bool {
		return slices.Contains(ks.flags, "variable_flags")
	}) {
		return nil, false
	}
	argc := len(line)
	var keys []keyRef
	for _, ks := range specs {
		if !isKey(ks) {
			continue
		}
		first := 0
		switch ks.begin {
		case "index":
			first = ks.index
		case "keyword":
			first = keywordSearch(ks, line)
			if first == 0 {
				continue // the keyword is not there: no keys
			}
		default:
			return nil, false
		}
		var last, step int
		switch ks.find {
		case "range":
			step = ks.keyStep
			switch {
			case ks.lastKey >= 0:
				last = first + ks.lastKey
			case ks.limit == 0:
				last = argc + ks.lastKey
			default:
				last = first + ((argc-first)/ks.limit + ks.lastKey)
			}
		case "keynum":
			step = ks.keyStep
			if first+ks.keyNumIdx >= argc {
				return nil, false
			}
			n, ok := parseInt(line[first+ks.keyNumIdx])
			if !ok || n < 0 {
				return nil, false
			}
			first += ks.firstKey
			last = first + int(int32(n)) - 1 // Redis keeps the count in a C int
		default:
			return nil, false
		}
		if last >= argc || last < first || first >= argc {
			return nil, false
		}
		for i := first; i <= last; i += step {
			if i >= argc || i < first {
				continue // only variadic commands get here, and report their own error
			}
			keys = append(keys, keyRef{i, ks.flags})
		}
		if slices.Contains(ks.flags, "incomplete") {
			return nil, false
		}
	}
	return keys, true
}

// keywordSearch finds a keyword key spec's keyword, searching forwards
// from startFrom, or backwards from the end for a negative one, and
// returns the position after it, or 0. Like Redis, it never looks at
// the last argument it would reach.
func keywordSearch(ks keySpec, line [][]byte) int {
	argc := len(line)
	start, end := ks.startFrom, 1
	if ks.startFrom > 0 {
		end = argc - 1
	} else {
		start = argc + ks.startFrom
	}
	for i := start; i != end; {
		if i >= argc || i < 1 {
			break
		}
		if cEqualFold(line[i], ks.keyword) {
			return i + 1
		}
		if start <= end {
			i++
		} else {
			i--
		}
	}
	return 0
}

// numKeysFinder finds the keys of a command whose keys are counted by an
// argument, as Redis's genericGetKeys: store is the position of the
// destination key (0: none), count that of the count, and first that of
// the first key. A count that is not a number, or counts more keys than
// there are arguments, finds none.
func numKeysFinder(store, count, first int) func(args [][]byte) []keyRef {
	return func(args [][]byte) []keyRef {
		n := cAtoi(args[count])
		if n < 1 || n > len(args)-first {
			return nil
		}
		var keys []keyRef
		for i := range n {
			keys = append(keys, keyRef{first + i, nil})
		}
		if store > 0 {
			keys = append(keys, keyRef{store, nil})
		}
		return keys
	}
}

// cAtoi reads a number as C's atoi does on glibc: leading white space, a
// sign, then digits up to the first other byte, clamped to a long and
// then cut to an int.
func cAtoi(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] >= '\t' && b[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var n uint64
	overflow := false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		d := uint64(b[i] - '0')
		if n > (math.MaxUint64-d)/10 {
			overflow = true
			continue
		}
		n = n*10 + d
	}
	var v int64
	switch {
	case neg && (overflow || n > 1<<63):
		v = math.MinInt64
	case neg:
		v = -int64(n)
	case overflow || n > math.MaxInt64:
		v = math.MaxInt64
	default:
		v = int64(n)
	}
	return int(int32(v))
}

// sortKeys finds SORT's keys as Redis's sortGetKeys: the sorted key, and
// the key after the last STORE, skipping the arguments of LIMIT, GET and
// BY (the keys BY and GET read depend on the data, and are not reported).
func sortKeys(args [][]byte) []keyRef {
	keys := []keyRef{{1, keysRO}}
	store := 0
	for i := 2; i < len(args); i++ {
		switch a := args[i]; {
		case cEqualFold(a, "LIMIT"):
			i += 2
		case cEqualFold(a, "STORE") && i+1 < len(args):
			store = i + 1
		case cEqualFold(a, "GET"), cEqualFold(a, "BY"):
			i++
		}
	}
	if store > 0 {
		keys = append(keys, keyRef{store, keysOW})
	}
	return keys
}

// setKeys finds SET's key, which it reads too when GET is among its
// options.
func setKeys(args [][]byte) []keyRef {
	for _, a := range args[3:] {
		if cEqualFold(a, "GET") {
			return []keyRef{{1, keysRWAccess}}
		}
	}
	return []keyRef{{1, keysOW}}
}

// bitfieldKeys finds BITFIELD's key, which it only reads when all its
// operations are GETs (and OVERFLOWs); a syntax error counts as a write.
func bitfieldKeys(args [][]byte) []keyRef {
	for i := 2; i < len(args); i++ {
		more := len(args) - i - 1
		switch a := args[i]; {
		case cEqualFold(a, "GET") && more >= 2:
			i += 2
		case cEqualFold(a, "OVERFLOW") && more >= 1:
			i++
		default:
			return []keyRef{{1, keysRWAccess}}
		}
	}
	return []keyRef{{1, keysRO}}
}

// cEqualFold compares an argument with a keyword as C's strcasecmp does
// with Redis's NUL-terminated strings: only up to the argument's first
// NUL byte.
func cEqualFold(b []byte, w string) bool {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return equalFold(b, w)
}
