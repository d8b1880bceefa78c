package engine

import "strings"

//go:generate go run ../internal/cmdgen -out zz_commandmeta.go -facts zz_commandmeta_test.go

// commandMeta is what Redis 7.0 says about a command or a subcommand in
// COMMAND INFO and COMMAND DOCS beyond what its row in the command table
// states. zz_commandmeta.go holds it for every command of Redis 7.0.15,
// generated from a real redis-server; a command PhotonDB lacks simply
// has no row to show it.
//
// A command's row is the source of its name, arity, key positions
// (first, last, step), group, summary and since; a subcommand's row only
// of its name and arity, so for a subcommand the generator also records
// summary, since and key positions. The flags are Redis's: a row's Flag
// bits say how PhotonDB runs the command (ReadOnly also marks a command
// that merely takes the read lock, and a container's bits apply to all of
// its subcommands), and a test checks that they agree with these.
type commandMeta struct {
	summary, since string // subcommands only
	keys           Keys   // subcommands only

	flags      []string // as COMMAND names them, in its order
	categories []string // ACL categories, such as "@read"
	tips       []string
	keySpecs   []keySpec

	complexity      string
	docFlags        []string // "deprecated", "syscmd"
	deprecatedSince string
	replacedBy      string
	history         [][2]string // version, change
	args            []argSpec
}

// keySpec is one of a command's key specifications: where its keys begin
// (begin search) and how to find them from there (find keys).
type keySpec struct {
	notes string
	flags []string // "RO", "RW", "OW", "RM", "access", "update", ...

	begin string // "index", "keyword" or "unknown"
	index int    // begin "index": the position of the first key
	// begin "keyword": search for keyword from startFrom (negative: from
	// the end, backwards).
	keyword   string
	startFrom int

	find string // "range", "keynum" or "unknown"
	// find "range": the last key relative to the first (negative: from
	// the end), the step between keys, and, with lastKey -1, the share
	// of the remaining arguments that are keys (2: half of them).
	lastKey, keyStep, limit int
	// find "keynum": the argument that counts the keys and the first
	// key, both relative to the beginning; keyStep as for a range.
	keyNumIdx, firstKey int
}

// argSpec is one argument in COMMAND DOCS: a value, a token, or a group
// of them (oneof, block) with its own arguments.
type argSpec struct {
	name         string
	typ          string // string, integer, double, key, pattern, unix-time, pure-token, oneof, block
	keySpecIndex int    // for a key, its key spec; -1 otherwise
	token        string
	since        string
	deprecated   string // the version that deprecated it
	flags        []string
	args         []argSpec
}

// aclCategories are Redis 7.0's ACL categories, in the order COMMAND
// lists them.
var aclCategories = []string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
	"hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
	"connection", "transaction", "scripting",
}

// groupCategories are the ACL categories of the groups whose commands
// all carry one.
var groupCategories = map[string]string{
	"string": "@string", "list": "@list", "hash": "@hash", "set": "@set", "sorted_set": "@sortedset",
	"bitmap": "@bitmap", "pubsub": "@pubsub", "connection": "@connection", "transactions": "@transaction",
	"generic": "@keyspace",
}

// metaFromRow makes the metadata of a command or subcommand Redis 7.0
// does not have (LSIZE, CLIENT NO-TOUCH) from its row, as Redis derives
// what it can: the flags as the row says, the group's ACL category and
// those the flags imply (@read only with keys: ReadOnly also marks
// commands that merely take the read lock), one key spec for the row's
// key positions, and the arguments of its usage line.
func metaFromRow(group string, flags Flag, keys Keys, usage string) *commandMeta {
	m := &commandMeta{flags: flags.Names(), keys: keys}
	cats := map[string]bool{}
	if c := groupCategories[group]; c != "" {
		cats[c] = true
	}
	switch {
	case flags&Write != 0:
		cats["@write"] = true
	case flags&ReadOnly != 0 && keys.First > 0:
		cats["@read"] = true
	}
	if flags&Admin != 0 {
		cats["@admin"], cats["@dangerous"] = true, true
	}
	if flags&PubSub != 0 {
		cats["@pubsub"] = true
	}
	if flags&Blocking != 0 {
		cats["@blocking"] = true
	}
	if flags&Fast != 0 {
		cats["@fast"] = true
	} else {
		cats["@slow"] = true
	}
	for _, c := range aclCategories {
		if cats["@"+c] {
			m.categories = append(m.categories, "@"+c)
		}
	}
	if keys.First > 0 {
		m.keySpecs = []keySpec{rowKeySpec(flags, keys)}
	}
	m.args = argSpecs(ParseArgs(usage), m.keySpecs != nil)
	return m
}

// rowKeySpec is the key spec of a row's key positions.
func rowKeySpec(flags Flag, keys Keys) keySpec {
	ks := keySpec{begin: "index", index: keys.First, find: "range", keyStep: max(keys.Step, 1)}
	if flags&Write != 0 {
		ks.flags = []string{"RW", "access", "update"}
	} else {
		ks.flags = []string{"RO", "access"}
	}
	if keys.Last < 0 {
		ks.lastKey = keys.Last
	} else {
		ks.lastKey = keys.Last - keys.First
	}
	return ks
}

// argSpecs converts the arguments ParseArgs found in a usage line; keys
// name the row's only key spec when there is one.
func argSpecs(args []Arg, keys bool) []argSpec {
	var out []argSpec
	for _, a := range args {
		s := argSpec{name: a.Name, typ: a.Type, keySpecIndex: -1, token: a.Token, args: argSpecs(a.Args, keys)}
		if a.Type == "key" && keys {
			s.keySpecIndex = 0
		}
		if a.Optional {
			s.flags = append(s.flags, "optional")
		}
		if a.Multiple {
			s.flags = append(s.flags, "multiple")
		}
		out = append(out, s)
	}
	return out
}

// groupName is a group as COMMAND DOCS spells it: the table's sorted_set
// (the name in Redis's command files) is "sorted-set".
func groupName(group string) string { return strings.ReplaceAll(group, "_", "-") }
