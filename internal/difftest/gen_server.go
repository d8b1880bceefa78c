package difftest

import (
	"bytes"
	"slices"

	"github.com/photondb/photon/resp"
)

// configParams are the parameters photon serve shares with Redis and
// that have the same value in both as the tests start them (not port,
// dir or dbfilename).
var configParams = []string{
	"timeout", "slowlog-max-len", "slowlog-log-slower-than", "databases", "maxclients", "save",
	"protected-mode", "loglevel", "tls-port", "io-threads", "proto-max-bulk-len",
	"client-query-buffer-limit", "client-output-buffer-limit", "requirepass", "bind",
	"SLOWLOG-MAX-LEN", "slowlog*", "nosuch-param", "",
}

func init() {
	register(&Family{
		Name: "server",
		Commands: []Command{
			{Name: "DBSIZE", Weight: 2, Make: func(g *G) []string { return []string{"DBSIZE"} }},
			{Name: "FLUSHDB", Weight: 1, Make: func(g *G) []string {
				args := []string{g.Pick("FLUSHDB", "FLUSHDB", "FLUSHDB", "FLUSHALL")}
				if g.Percent(50) {
					args = append(args, g.Case(g.Pick("ASYNC", "SYNC", "BOGUS")))
				}
				return args
			}},
			{Name: "TIME", Weight: 1, Make: func(g *G) []string { return []string{g.Pick("TIME", "LASTSAVE")} }},
			{Name: "INFO", Weight: 1, Make: func(g *G) []string {
				args := []string{"INFO"}
				for range g.Between(0, 2) {
					args = append(args, g.Pick("server", "clients", "memory", "persistence", "stats", "keyspace",
						"all", "default", "everything", "bogus", "KEYSPACE"))
				}
				return args
			}},
			{Name: "COMMAND", Weight: 1, Make: genCommand},
			{Name: "CONFIG", Weight: 2, Make: genConfig},
			{Name: "SLOWLOG", Weight: 1, Make: func(g *G) []string {
				args := []string{"SLOWLOG", g.Case(g.Pick("GET", "GET", "LEN", "RESET", "HELP", "BOGUS"))}
				if args[1] == "GET" && g.Percent(50) {
					args = append(args, g.Int())
				}
				return args
			}},
		},
		Rules: map[string]Rule{
			"TIME":     Shape,
			"LASTSAVE": Shape,
			"INFO":     KindOnly,
			// Redis gathers the matches in a dict: no order.
			"CONFIG|GET": UnorderedPairs,
			// The slow log holds whatever ran slowly here.
			"SLOWLOG|GET": KindOnly,
			"SLOWLOG|LEN": Shape,
			// Redis keeps commands and subcommands in hash tables.
			"COMMAND|INFO": commandMetaRule,
			"COMMAND|DOCS": commandMetaRule,
			"COMMAND|LIST": Unordered,
		},
		Reset: [][]string{{"CONFIG", "SET", "slowlog-max-len", "128", "slowlog-log-slower-than", "10000",
			"loglevel", "notice", "protected-mode", "yes", "timeout", "0"}},
	})
}

// commandNames are names COMMAND INFO and DOCS take: commands both
// servers have, containers whose subcommands both have all of,
// subcommands, and names neither has (CLIENT and CONFIG lack some of
// Redis's subcommands: see the known case command-lists-missing-commands).
var commandNames = []string{
	"get", "SET", "hset", "lpush", "del", "expire", "keys", "zadd", "sort", "blmpop", "spublish", "object", "memory",
	"slowlog", "pubsub", "command", "client|list", "CONFIG|GET", "object|encoding", "memory|usage", "command|info",
	"nosuch", "get|x", "client|list|x", "client|", "",
}

// commandFilters are COMMAND LIST filters whose commands both servers
// have all of, and ones that match nothing.
var commandFilters = [][]string{
	{"PATTERN", "h*"}, {"PATTERN", "z*"}, {"PATTERN", "get*"}, {"PATTERN", "*pop"}, {"PATTERN", "object|*"},
	{"PATTERN", "COMMAND|*"}, {"PATTERN", "[bt]*"}, {"PATTERN", "nosuch"}, {"PATTERN", ""},
	{"ACLCAT", "hash"}, {"ACLCAT", "sortedset"}, {"ACLCAT", "STRING"}, {"ACLCAT", "bitmap"}, {"ACLCAT", "pubsub"},
	{"ACLCAT", "transaction"}, {"ACLCAT", "set"}, {"ACLCAT", "@read"}, {"ACLCAT", "nosuch"},
	{"MODULE", "nosuch"}, {"BOGUS", "x"},
}

// getKeysLines are command lines for COMMAND GETKEYS: keys by range, by
// count, by the key finders of SORT, SET and BITFIELD, subcommands, and
// lines that find no keys or are wrong.
var getKeysLines = [][]string{
	{"GET", "k"}, {"SET", "k", "v"}, {"SET", "k", "v", "GET"}, {"SET", "k", "v", "EX", "10"}, {"MSET", "a", "1", "b", "2"},
	{"MSET", "a", "1", "b"}, {"MGET", "a", "b"}, {"DEL", "a"}, {"BLPOP", "a", "b", "0"}, {"LMOVE", "a", "b", "LEFT", "RIGHT"},
	{"ZUNIONSTORE", "d", "2", "a", "b"}, {"ZINTER", "1", "a"}, {"ZDIFF", "2abc", "a", "b"}, {"ZUNION", "0", "a"},
	{"ZUNION", "3", "a"}, {"ZUNION", "-1", "a"}, {"SINTERCARD", "1", "a", "LIMIT", "1"}, {"LMPOP", "2", "a", "b", "LEFT"},
	{"BZMPOP", "0", "1", "a", "MIN"}, {"SORT", "k"}, {"SORT", "k", "STORE", "d"}, {"SORT", "k", "BY", "w", "STORE", "d", "GET", "x"},
	{"SORT", "k", "LIMIT", "0", "1", "STORE", "d"}, {"SORT_RO", "k", "BY", "w"}, {"BITFIELD", "k", "GET", "u8", "0"},
	{"BITFIELD", "k", "SET", "u8", "0", "1"}, {"OBJECT", "ENCODING", "k"}, {"MEMORY", "USAGE", "k"}, {"PING", "x"},
	{"SPUBLISH", "ch", "m"}, {"GET", "a", "b"}, {"NOSUCH", "k"}, {"OBJECT", "NOSUCH", "k"}, {"CLIENT", "LIST"},
}

// genCommand makes COMMAND INFO, DOCS, LIST with filters, GETKEYS and
// GETKEYSANDFLAGS of commands both servers have, and the forms that are
// errors.
func genCommand(g *G) []string {
	switch g.Intn(8) {
	case 0, 1, 2:
		args := []string{"COMMAND", g.Case(g.Pick("INFO", "INFO", "DOCS"))}
		for range g.Between(1, 2) {
			args = append(args, g.Pick(commandNames...))
		}
		return args
	case 3:
		return append([]string{"COMMAND", g.Case("LIST"), g.Case("FILTERBY")}, commandFilters[g.Intn(len(commandFilters))]...)
	case 4, 5:
		line := getKeysLines[g.Intn(len(getKeysLines))]
		return append([]string{"COMMAND", g.Case(g.Pick("GETKEYS", "GETKEYSANDFLAGS"))}, line...)
	default:
		return []string{"COMMAND", g.Pick("HELP", "BOGUS", "LIST", "GETKEYS")}
	}
}

// commandMetaRule compares COMMAND INFO and DOCS replies, whose
// subcommands Redis sends in no particular order.
var commandMetaRule = Rule{Same: func(p, r, _ resp.Value) bool {
	return Exact(sortSubcommands(p), sortSubcommands(r))
}}

// sortSubcommands returns a COMMAND INFO or DOCS reply with the
// subcommands of every entry sorted by name: element 9 of an INFO entry
// (an array of ten whose first is the name), and the value of a DOCS
// entry's "subcommands" field (a map, or a flat array in RESP2).
func sortSubcommands(v resp.Value) resp.Value {
	if len(v.Elems) == 0 {
		return v
	}
	out := v
	out.Elems = make([]resp.Value, len(v.Elems))
	for i, e := range v.Elems {
		out.Elems[i] = sortSubcommands(e)
	}
	if v.Kind == resp.Array && len(v.Elems) == 10 && v.Elems[0].Kind == resp.BulkString && v.Elems[1].Kind == resp.Integer {
		subs := out.Elems[9].Elems
		slices.SortFunc(subs, func(a, b resp.Value) int { return bytes.Compare(entryName(a), entryName(b)) })
	}
	for i := 0; i+1 < len(out.Elems); i += 2 {
		if k := out.Elems[i]; k.Kind == resp.BulkString && string(k.Str) == "subcommands" {
			out.Elems[i+1] = sortPairs(out.Elems[i+1])
		}
	}
	return out
}

// entryName is the name of a COMMAND INFO entry.
func entryName(entry resp.Value) []byte {
	if len(entry.Elems) == 0 {
		return nil
	}
	return entry.Elems[0].Str
}

// sortPairs returns a map (or flat array of pairs) with its pairs sorted
// by key.
func sortPairs(v resp.Value) resp.Value {
	pairs := make([][2]resp.Value, 0, len(v.Elems)/2)
	for i := 0; i+1 < len(v.Elems); i += 2 {
		pairs = append(pairs, [2]resp.Value{v.Elems[i], v.Elems[i+1]})
	}
	slices.SortFunc(pairs, func(a, b [2]resp.Value) int { return bytes.Compare(a[0].Str, b[0].Str) })
	out := v
	out.Elems = make([]resp.Value, 0, len(v.Elems))
	for _, p := range pairs {
		out.Elems = append(out.Elems, p[0], p[1])
	}
	return out
}

// genConfig makes CONFIG GET of the shared parameters, CONFIG SET of
// those a test may change (and of some it may not), RESETSTAT and HELP.
func genConfig(g *G) []string {
	switch g.Intn(10) {
	case 0, 1, 2, 3:
		args := []string{"CONFIG", g.Case("GET")}
		for range g.Between(1, 2) {
			args = append(args, g.Pick(configParams...))
		}
		return args
	case 4, 5, 6:
		args := []string{"CONFIG", g.Case("SET")}
		for range g.Between(1, 2) {
			switch g.Intn(9) {
			case 0:
				args = append(args, "slowlog-max-len", g.Pick("0", "10", "128", "-1", "abc", "1e3", "", "2147483648"))
			case 1:
				args = append(args, "slowlog-log-slower-than", g.Pick("10000", "-1", "100000", "abc", "-2"))
			case 2:
				args = append(args, "loglevel", g.Pick("notice", "warning", "verbose", "NOTICE", "bogus", ""))
			case 3:
				args = append(args, "protected-mode", g.Pick("yes", "no", "YES", "maybe", ""))
			case 4:
				args = append(args, "timeout", g.Pick("0", "-1", "abc", "1.5"))
			case 5:
				// Not a valid value: what Redis accepts depends on the
				// machine's open-file limit.
				args = append(args, "maxclients", g.Pick("0", "abc", "-1"))
			case 6:
				args = append(args, g.Pick("databases", "nosuch-param"), g.Pick("4", "0"))
			case 7:
				args = append(args, "save", g.Pick("", "abc", "1"))
			default:
				args = append(args, "slowlog-max-len") // no value
			}
		}
		return args
	case 7:
		return []string{"CONFIG", g.Case("RESETSTAT")}
	case 8:
		return []string{"CONFIG", g.Case("HELP")}
	default:
		return []string{"CONFIG", g.Pick("BOGUS", "REWRITE-NOT", "")}
	}
}
