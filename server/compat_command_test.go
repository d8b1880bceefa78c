package server_test

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
)

// rawReply is a reply as it came on the wire: its type byte ('*', '~',
// '%', '$', '+', '_'...), its header line after the type byte, a bulk
// string's bytes, and an aggregate's elements (a map's keys and values
// in turn). Comparing rawReplies compares the bytes sent, so a null bulk
// string differs from a null array and a set from an array.
type rawReply struct {
	typ   byte
	line  string
	bulk  string
	elems []*rawReply
}

func (v *rawReply) String() string {
	var b strings.Builder
	v.write(&b)
	return b.String()
}

func (v *rawReply) write(b *strings.Builder) {
	b.WriteByte(v.typ)
	switch {
	case v.typ == '$' || v.typ == '=' || v.typ == '!':
		b.WriteString(strconv.Quote(v.bulk))
	case v.elems != nil:
		b.WriteString("[")
		for i, e := range v.elems {
			if i > 0 {
				b.WriteByte(' ')
			}
			e.write(b)
		}
		b.WriteString("]")
	default:
		b.WriteString(v.line)
	}
}

// readRaw reads one reply.
func readRaw(r *bufio.Reader) (*rawReply, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, fmt.Errorf("empty reply line")
	}
	v := &rawReply{typ: line[0], line: line[1:]}
	switch v.typ {
	case '$', '=', '!':
		n, err := strconv.Atoi(v.line)
		if err != nil || n < 0 {
			return v, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		v.bulk = string(buf[:n])
	case '*', '~', '%', '>':
		n, err := strconv.Atoi(v.line)
		if err != nil || n < 0 {
			return v, err
		}
		if v.typ == '%' {
			n *= 2
		}
		v.elems = []*rawReply{}
		for range n {
			e, err := readRaw(r)
			if err != nil {
				return nil, err
			}
			v.elems = append(v.elems, e)
		}
	}
	return v, nil
}

// rawConn is a connection whose replies are read as rawReplies.
type rawConn struct {
	t testing.TB
	w *resp.Writer
	r *bufio.Reader
}

func dialRawReplies(t testing.TB, addr, proto string) *rawConn {
	t.Helper()
	c := dialRaw(t, addr)
	rc := &rawConn{t: t, w: resp.NewWriter(c), r: bufio.NewReader(c)}
	rc.do("HELLO", proto)
	return rc
}

func (c *rawConn) do(args ...string) *rawReply {
	c.t.Helper()
	c.w.WriteCommandStrings(args...)
	if err := c.w.Flush(); err != nil {
		c.t.Fatal(err)
	}
	v, err := readRaw(c.r)
	if err != nil {
		c.t.Fatalf("%q: read reply: %v", args, err)
	}
	return v
}

// pairs returns a map's (or, in RESP2, a flat array's) key, value pairs.
func (v *rawReply) pairs() [][2]*rawReply {
	var out [][2]*rawReply
	for i := 0; i+1 < len(v.elems); i += 2 {
		out = append(out, [2]*rawReply{v.elems[i], v.elems[i+1]})
	}
	return out
}

// setPairs replaces a map's pairs, keeping its header right.
func (v *rawReply) setPairs(pairs [][2]*rawReply) {
	v.elems = []*rawReply{}
	for _, p := range pairs {
		v.elems = append(v.elems, p[0], p[1])
	}
	n := len(pairs)
	if v.typ != '%' {
		n *= 2
	}
	v.line = strconv.Itoa(n)
}

// subNames returns the names of the subcommands in a COMMAND INFO entry
// (an array whose element 9 holds the subcommands' entries) or a COMMAND
// DOCS entry (whose "subcommands" field maps their names to entries).
func subNames(entry *rawReply, docs bool) []string {
	var out []string
	if docs {
		for _, p := range entry.pairs() {
			if p[0].bulk == "subcommands" {
				for _, s := range p[1].pairs() {
					out = append(out, s[0].bulk)
				}
			}
		}
		return out
	}
	if len(entry.elems) == 10 {
		for _, s := range entry.elems[9].elems {
			out = append(out, s.elems[0].bulk)
		}
	}
	return out
}

// normalizeSubs sorts an entry's subcommands by name, which Redis keeps
// in a hash table and sends in no particular order, and keeps only the
// subcommands named in keep.
func normalizeSubs(entry *rawReply, docs bool, keep []string) {
	if docs {
		for _, p := range entry.pairs() {
			if p[0].bulk != "subcommands" {
				continue
			}
			var subs [][2]*rawReply
			for _, s := range p[1].pairs() {
				if slices.Contains(keep, s[0].bulk) {
					subs = append(subs, s)
				}
			}
			slices.SortFunc(subs, func(a, b [2]*rawReply) int { return strings.Compare(a[0].bulk, b[0].bulk) })
			p[1].setPairs(subs)
		}
		return
	}
	if len(entry.elems) != 10 || entry.elems[9].typ != '*' {
		return
	}
	subs := entry.elems[9]
	subs.elems = slices.DeleteFunc(subs.elems, func(s *rawReply) bool { return !slices.Contains(keep, s.elems[0].bulk) })
	slices.SortFunc(subs.elems, func(a, b *rawReply) int { return strings.Compare(a.elems[0].bulk, b.elems[0].bulk) })
	subs.line = strconv.Itoa(len(subs.elems))
}

// commonSubs normalizes the subcommands of two entries of the same
// command, keeping those both servers have: PhotonDB lacks some (CONFIG
// REWRITE, CLIENT PAUSE), as it lacks whole commands, and has two of
// Redis 7.2 (CLIENT NO-TOUCH and SETINFO). Each subcommand both have is
// also compared on its own.
func commonSubs(photon, redis *rawReply, docs bool) {
	theirs := subNames(redis, docs)
	var both []string
	for _, n := range subNames(photon, docs) {
		if slices.Contains(theirs, n) {
			both = append(both, n)
		}
	}
	normalizeSubs(photon, docs, both)
	normalizeSubs(redis, docs, both)
}

// fullNames returns the names COMMAND INFO takes for every command of
// the table and its subcommands: "get", "client|list".
func fullNames() []string {
	var out []string
	for _, c := range engine.Commands() {
		name := strings.ToLower(c.Name)
		out = append(out, name)
		for _, s := range c.Subcommands {
			out = append(out, name+"|"+strings.ToLower(s.Name))
		}
	}
	return out
}

// Ensure that COMMAND INFO and COMMAND DOCS describe every command and
// subcommand PhotonDB has exactly as Redis 7.0 does, in RESP2 and RESP3:
// flags, arity, key positions, ACL categories, tips, key specs, summary,
// since, group, complexity, history, arguments. Only the order of
// subcommands, which Redis leaves unspecified, is normalized.
func TestServer_CommandInfoDocsMatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			photon, redis := dialRawReplies(t, addr, proto), dialRawReplies(t, real.Addr, proto)
			compared := 0
			for _, name := range fullNames() {
				for _, sub := range []string{"INFO", "DOCS"} {
					want := redis.do("COMMAND", sub, name)
					got := photon.do("COMMAND", sub, name)
					if sub == "INFO" && want.elems[0].typ != '*' || sub == "DOCS" && len(want.elems) == 0 {
						continue // PhotonDB's own, such as LSIZE
					}
					entry := func(v *rawReply) *rawReply { return v.elems[len(v.elems)-1] }
					if len(got.elems) == len(want.elems) && len(want.elems) > 0 {
						commonSubs(entry(got), entry(want), sub == "DOCS")
					}
					if got.String() != want.String() {
						t.Errorf("COMMAND %s %s\nphoton: %s\n redis: %s", sub, name, got, want)
					}
					compared++
				}
			}
			if compared < 2*150 {
				t.Errorf("compared only %d entries", compared)
			}
		})
	}
}

// Ensure that the entries of bare COMMAND and COMMAND DOCS, and the names
// COMMAND LIST gives (filtered or not), are Redis's for every command
// PhotonDB has; COMMAND COUNT counts the table.
func TestServer_CommandListsMatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	names := fullNames()
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			photon, redis := dialRawReplies(t, addr, proto), dialRawReplies(t, real.Addr, proto)
			// Bare COMMAND: each of photon's entries is Redis's.
			theirs := map[string]*rawReply{}
			for _, e := range redis.do("COMMAND").elems {
				theirs[e.elems[0].bulk] = e
			}
			for _, e := range photon.do("COMMAND").elems {
				name := e.elems[0].bulk
				want, ok := theirs[name]
				if !ok {
					continue
				}
				commonSubs(e, want, false)
				if e.String() != want.String() {
					t.Errorf("COMMAND: entry %s\nphoton: %s\n redis: %s", name, e, want)
				}
			}
			// Bare COMMAND DOCS.
			theirDocs := map[string]*rawReply{}
			for _, p := range redis.do("COMMAND", "DOCS").pairs() {
				theirDocs[p[0].bulk] = p[1]
			}
			for _, p := range photon.do("COMMAND", "DOCS").pairs() {
				want, ok := theirDocs[p[0].bulk]
				if !ok {
					continue
				}
				commonSubs(p[1], want, true)
				if p[1].String() != want.String() {
					t.Errorf("COMMAND DOCS: entry %s\nphoton: %s\n redis: %s", p[0].bulk, p[1], want)
				}
			}
			if got := photon.do("COMMAND", "COUNT").String(); got != ":"+strconv.Itoa(len(engine.Commands())) {
				t.Errorf("COMMAND COUNT = %s, want %d", got, len(engine.Commands()))
			}
			for _, filter := range [][]string{
				nil,
				{"FILTERBY", "PATTERN", "*"}, {"FILTERBY", "PATTERN", "z*"}, {"FILTERBY", "PATTERN", "CLIENT|*"},
				{"filterby", "pattern", "*|help"}, {"FILTERBY", "PATTERN", "[gs]et"}, {"FILTERBY", "PATTERN", ""},
				{"FILTERBY", "ACLCAT", "read"}, {"FILTERBY", "ACLCAT", "WRITE"}, {"FILTERBY", "ACLCAT", "keyspace"},
				{"FILTERBY", "ACLCAT", "slow"}, {"FILTERBY", "ACLCAT", "dangerous"}, {"FILTERBY", "ACLCAT", "pubsub"},
				{"FILTERBY", "ACLCAT", "connection"}, {"FILTERBY", "ACLCAT", "sortedset"}, {"FILTERBY", "ACLCAT", "@read"},
				{"FILTERBY", "ACLCAT", "nosuch"}, {"FILTERBY", "MODULE", "nosuch"},
				{"FILTERBY", "BOGUS", "x"}, {"FILTERBY", "PATTERN"}, {"FILTERBY", "PATTERN", "a", "b"}, {"BOGUS"},
				{"FILTERBY", "PATTERN", "a", "FILTERBY", "PATTERN", "b"},
			} {
				args := append([]string{"COMMAND", "LIST"}, filter...)
				got, want := photon.do(args...), redis.do(args...)
				if want.typ == '*' {
					want = sortedNames(want, names)
					got = sortedNames(got, names)
				}
				if got.String() != want.String() {
					t.Errorf("%s\nphoton: %s\n redis: %s", strings.Join(args, " "), got, want)
				}
			}
		})
	}
}

// sortedNames returns a COMMAND LIST reply sorted, keeping only the names
// of commands both servers have.
func sortedNames(v *rawReply, keep []string) *rawReply {
	out := &rawReply{typ: v.typ}
	for _, e := range v.elems {
		if slices.Contains(keep, e.bulk) && e.bulk != "lsize" && e.bulk != "client|no-touch" && e.bulk != "client|setinfo" {
			out.elems = append(out.elems, e)
		}
	}
	slices.SortFunc(out.elems, func(a, b *rawReply) int { return strings.Compare(a.bulk, b.bulk) })
	out.line = strconv.Itoa(len(out.elems))
	return out
}

// Ensure that COMMAND GETKEYS and GETKEYSANDFLAGS find the keys Redis
// finds, and fail as it fails, and that COMMAND's other forms answer as
// Redis's do.
func TestServer_CommandGetKeysMatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	lines := []string{
		"GET k", "GET", "GET a b", "SET k v", "SET k v GET", "SET k v get", "SET k v EX 10 GET", "MSET a 1 b 2",
		"MSET a 1 b", "MGET a b c", "DEL a b", "EXISTS a", "BLPOP a b 0", "BRPOPLPUSH a b 0", "LMOVE a b LEFT RIGHT",
		"RENAME a b", "COPY a b DB 1", "OBJECT ENCODING k", "OBJECT HELP", "OBJECT BOGUS k", "MEMORY USAGE k",
		"MEMORY USAGE k SAMPLES 5", "CLIENT LIST", "CLIENT KILL x", "COMMAND INFO get", "PING x", "NOSUCH x",
		"SPUBLISH ch m", "SSUBSCRIBE a b", "PUBLISH ch m", "SUBSCRIBE a",
		"ZUNION 2 a b", "ZUNION 2 a", "ZUNION 0 a", "ZUNION -1 a", "ZUNION abc a", "ZUNION 2abc a b", "ZUNION ' 1' a",
		"ZUNION 4294967297 a", "ZUNION 1 a WITHSCORES", "ZUNIONSTORE d 2 a b", "ZUNIONSTORE d 3 a b",
		"ZUNIONSTORE d 1x a", "ZINTERSTORE d 1 a WEIGHTS 2", "ZDIFFSTORE d 2 a b", "ZINTER 1 a", "ZDIFF 1 a",
		"ZINTERCARD 2 a b LIMIT 1", "SINTERCARD 1 a", "SINTERCARD 3 a", "LMPOP 2 a b LEFT", "LMPOP 1 a",
		"BLMPOP 0 2 a b LEFT", "BLMPOP 0 x a LEFT", "ZMPOP 1 a MIN", "BZMPOP 1 1 a MAX COUNT 2",
		"SORT k", "SORT k STORE d", "SORT k store d BY x GET y", "SORT k LIMIT 0 1 STORE d", "SORT k STORE",
		"SORT k STORE a STORE b", "SORT k BY store", "SORT k GET STORE d", "SORT_RO k BY x", "SORT_RO k",
		"BITFIELD k GET u8 0", "BITFIELD k SET u8 0 1", "BITFIELD k OVERFLOW SAT GET u8 0", "BITFIELD k GET u8",
		"BITFIELD k INCRBY u8 0 1", "BITFIELD_RO k GET u8 0", "BITOP AND d a b", "SMOVE a b m", "ZRANGESTORE d a 0 1",
		"WATCH a b", "SDIFFSTORE d a b", "SUNION a b", "LCS a b", "GETEX k PERSIST", "TOUCH a b", "UNLINK a",
		"EXPIRE k 10", "HSET h f v", "get k",
	}
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			photon, redis := dialRawReplies(t, addr, proto), dialRawReplies(t, real.Addr, proto)
			for _, line := range lines {
				for _, sub := range []string{"GETKEYS", "GETKEYSANDFLAGS"} {
					args := append([]string{"COMMAND", sub}, splitLine(line)...)
					if got, want := photon.do(args...).String(), redis.do(args...).String(); got != want {
						t.Errorf("COMMAND %s %s\nphoton: %s\n redis: %s", sub, line, got, want)
					}
				}
			}
			for _, line := range []string{
				"COMMAND HELP", "COMMAND HELP x", "COMMAND COUNT x", "COMMAND BOGUS", "COMMAND GETKEYS",
				"COMMAND GETKEYS get", "COMMAND INFO nosuch get|x client|list|x client| |get get GET",
				"COMMAND DOCS nosuch get|x", "COMMAND DOCS GET Client|List nosuch", "COMMAND INFO CONFIG|get",
			} {
				args := splitLine(line)
				if got, want := photon.do(args...).String(), redis.do(args...).String(); got != want {
					t.Errorf("%s\nphoton: %s\n redis: %s", line, got, want)
				}
			}
		})
	}
}

// splitLine splits a line into arguments at spaces; 'a b' is one
// argument.
func splitLine(line string) []string {
	var out []string
	for line != "" {
		if line[0] == '\'' {
			end := strings.IndexByte(line[1:], '\'') + 1
			out = append(out, line[1:end])
			line = strings.TrimLeft(line[end+1:], " ")
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		out = append(out, word)
		line = rest
	}
	return out
}
