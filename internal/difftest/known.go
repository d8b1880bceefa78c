package difftest

import (
	"slices"
	"strings"
)

// knownDiff is a difference between photon and Redis that the tester
// found and that is not fixed yet. Its case in testdata/difftest/known.txt
// (same ID, or a second example as "ID.2") reproduces it. Skip recognises the generated commands that
// would run into it, which the driver then does not send; Isolate, the
// commands that must be pipelined alone to stay clear of it. Fixing the
// difference means deleting both the case and the entry.
type knownDiff struct {
	ID      string
	Skip    func(args []string) bool
	Isolate func(args []string) bool
	// InSeq recognises the commands that run into the difference only
	// inside a sequence (queued after MULTI, or sent while subscribed),
	// which the driver then leaves out of sequences.
	InSeq func(args []string) bool
}

// knownDiffs are the open differences.
var knownDiffs = []knownDiff{
	{ID: "command-lists-missing-commands", Skip: func(a []string) bool {
		if !is(a, "COMMAND") {
			return false
		}
		if len(a) == 1 {
			return true
		}
		switch strings.ToUpper(a[1]) {
		case "COUNT":
			return true
		case "LIST":
			return len(a) == 2
		case "INFO", "DOCS":
			return len(a) == 2 || slices.ContainsFunc(a[2:], func(n string) bool {
				return strings.EqualFold(n, "CLIENT") || strings.EqualFold(n, "CONFIG")
			})
		}
		return false
	}},
	{ID: "client-redis72-subcommands", Skip: func(a []string) bool {
		return is(a, "CLIENT") && len(a) >= 2 && (strings.EqualFold(a[1], "NO-TOUCH") || strings.EqualFold(a[1], "SETINFO"))
	}},
	{ID: "sort-after-erange", Skip: func(a []string) bool {
		return slices.ContainsFunc(a, func(s string) bool { return slices.Contains(erangeArgs, strings.TrimLeft(s, "([")) })
	}},
}

// erangeArgs are the arguments the generators make that C's strtod or
// strtoul parses with errno set to ERANGE (out of range, or a float
// that underflows).
var erangeArgs = []string{"1e309", "-1e309", "1e-400", "18446744073709551616", "99999999999999999999"}

// knownInSeq returns the ID of the known difference args would run into
// inside a sequence, or "".
func knownInSeq(args []string) string {
	for _, k := range knownDiffs {
		if k.InSeq != nil && k.InSeq(args) {
			return k.ID
		}
	}
	return ""
}

// knownSkip returns the ID of the known difference args would run into,
// or "".
func knownSkip(args []string) string {
	for _, k := range knownDiffs {
		if k.Skip != nil && k.Skip(args) {
			return k.ID
		}
	}
	return ""
}

// knownIsolate reports whether args must be pipelined alone.
func knownIsolate(args []string) bool {
	return slices.ContainsFunc(knownDiffs, func(k knownDiff) bool { return k.Isolate != nil && k.Isolate(args) })
}

// is reports whether args is the command name, in any case.
func is(args []string, name string) bool { return strings.EqualFold(args[0], name) }
