package persist_test

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/persist"
)

var updateRDB = flag.Bool("update-rdb", false, "regenerate the dumps in testdata/rdb with redis-server")

const fixtureDir = "../testdata/rdb"

// needTools skips the test when a Redis binary is missing, or fails it
// when PHOTON_REQUIRE_TOOLS=1 says the binaries must be there.
func needTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		redistest.Tool(t, n)
	}
}

// redisConn is a minimal RESP2 client for a redis-server the test started.
type redisConn struct {
	t testing.TB
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

type respError string

func (e respError) Error() string { return string(e) }

func (rc *redisConn) send(args ...string) {
	fmt.Fprintf(rc.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(rc.w, "$%d\r\n%s\r\n", len(a), a)
	}
}

// do sends one command and returns its reply: a string, int64, []any,
// nil or a respError.
func (rc *redisConn) do(args ...string) (any, error) {
	rc.send(args...)
	if err := rc.w.Flush(); err != nil {
		return nil, err
	}
	return rc.read()
}

// must is do for commands that have to succeed.
func (rc *redisConn) must(args ...string) any {
	rc.t.Helper()
	v, err := rc.do(args...)
	if err != nil {
		rc.t.Fatalf("redis %.60q: %v", args, err)
	}
	return v
}

// pipeline sends every command, then reads every reply.
func (rc *redisConn) pipeline(cmds [][]string) {
	rc.t.Helper()
	for _, c := range cmds {
		rc.send(c...)
	}
	if err := rc.w.Flush(); err != nil {
		rc.t.Fatal(err)
	}
	for _, c := range cmds {
		if _, err := rc.read(); err != nil {
			rc.t.Fatalf("redis %.60q: %v", c, err)
		}
	}
}

func (rc *redisConn) read() (any, error) {
	line, err := rc.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty reply line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, respError(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(rc.r, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		a := make([]any, n)
		for i := range a {
			if a[i], err = rc.read(); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
	return nil, fmt.Errorf("bad reply line %q", line)
}

// startRedis runs a redis-server of its own (internal/redistest) with
// dir/dbfile as its RDB file and returns a connection to it; both end
// with the test. Its hashes turn into tables past the same number of
// fields as PhotonDB's (engineHashMax), unless args say otherwise.
func startRedis(t testing.TB, dir, dbfile string, args ...string) *redisConn {
	t.Helper()
	srv := redistest.Start(t, dir, append([]string{"--dbfilename", dbfile, "--enable-debug-command", "local",
		"--hash-max-listpack-entries", strconv.Itoa(engineHashMax())}, args...)...)
	c, err := net.DialTimeout("tcp", srv.Addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &redisConn{t: t, c: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
}

// populate writes data into a real Redis.
func populate(t testing.TB, rc *redisConn, data dataset) {
	t.Helper()
	var cmds [][]string
	for _, k := range sortedKeys(data) {
		it := data[k]
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(k.DB)}, []string{"DEL", k.Key})
		switch it.Kind {
		case engine.KindString:
			cmds = append(cmds, []string{"SET", k.Key, it.Str})
		case engine.KindList:
			for i := 0; i < len(it.List); i += 1000 {
				cmds = append(cmds, append([]string{"RPUSH", k.Key}, it.List[i:min(i+1000, len(it.List))]...))
			}
		case engine.KindHash:
			cmd := []string{"HSET", k.Key}
			for f, v := range it.Hash {
				cmd = append(cmd, f, v)
			}
			cmds = append(cmds, cmd)
		case engine.KindSet:
			for i := 0; i < len(it.Set); i += 1000 {
				cmds = append(cmds, append([]string{"SADD", k.Key}, it.Set[i:min(i+1000, len(it.Set))]...))
			}
		case engine.KindZSet:
			cmd := []string{"ZADD", k.Key}
			for _, m := range it.ZSet {
				cmd = append(cmd, formatScore(m.Score), m.Member)
			}
			cmds = append(cmds, cmd)
		}
		switch {
		case it.ExpireAt == 0:
		case it.ExpireAt%1000 == 0: // a TTL set in seconds
			cmds = append(cmds, []string{"EXPIREAT", k.Key, strconv.FormatInt(it.ExpireAt/1000, 10)})
		default:
			cmds = append(cmds, []string{"PEXPIREAT", k.Key, strconv.FormatInt(it.ExpireAt, 10)})
		}
	}
	rc.pipeline(cmds)
}

// redisDump reads every key of a real Redis.
func redisDump(t testing.TB, rc *redisConn) dataset {
	t.Helper()
	got := dataset{}
	for db := range 16 {
		rc.must("SELECT", strconv.Itoa(db))
		for _, k := range rc.must("KEYS", "*").([]any) {
			key := k.(string)
			it := item{}
			switch typ := rc.must("TYPE", key); typ {
			case "string":
				it.Kind, it.Str = engine.KindString, rc.must("GET", key).(string)
			case "list":
				it.Kind, it.List = engine.KindList, []string{}
				for _, e := range rc.must("LRANGE", key, "0", "-1").([]any) {
					it.List = append(it.List, e.(string))
				}
			case "hash":
				it.Kind, it.Hash = engine.KindHash, map[string]string{}
				kv := rc.must("HGETALL", key).([]any)
				for i := 0; i+1 < len(kv); i += 2 {
					it.Hash[kv[i].(string)] = kv[i+1].(string)
				}
			case "set":
				it.Kind, it.Set = engine.KindSet, []string{}
				for _, m := range rc.must("SMEMBERS", key).([]any) {
					it.Set = append(it.Set, m.(string))
				}
				slices.Sort(it.Set)
			case "zset":
				it.Kind = engine.KindZSet
				ms := rc.must("ZRANGE", key, "0", "-1", "WITHSCORES").([]any)
				for i := 0; i+1 < len(ms); i += 2 {
					score, err := strconv.ParseFloat(ms[i+1].(string), 64)
					if err != nil {
						t.Fatalf("db %d key %q: score %q: %v", db, key, ms[i+1], err)
					}
					it.ZSet = append(it.ZSet, zm{ms[i].(string), score})
				}
			default:
				t.Fatalf("db %d key %q: type %v", db, key, typ)
			}
			if at := rc.must("PEXPIRETIME", key).(int64); at > 0 {
				it.ExpireAt = at
			}
			if it.Kind != engine.KindString {
				it.Enc = rc.must("OBJECT", "ENCODING", key).(string)
			}
			got[dbKey{db, key}] = it
		}
	}
	return got
}

// formatScore writes a score as ZADD reads it.
func formatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// checkRDB runs redis-check-rdb on path.
func checkRDB(t testing.TB, path string) {
	t.Helper()
	needTools(t, "redis-check-rdb")
	out, err := exec.Command("redis-check-rdb", path).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("RDB looks OK")) {
		t.Fatalf("redis-check-rdb %s: %v\n%s", path, err, out)
	}
}

// realDataset is edgeDataset plus random keys, with expiry times far
// enough ahead for a real server's clock, some of them in whole seconds.
func realDataset(seed uint64) dataset {
	now := time.Now().Add(time.Hour).UnixMilli()
	d := edgeDataset(now)
	for k, it := range randomDataset(randPCG(seed), 300, now) {
		d[k] = it
	}
	seconds := now/1000*1000 + 7000
	d[dbKey{2, "ttl:seconds"}] = item{Kind: engine.KindString, Str: "EXPIREAT", ExpireAt: seconds}
	d[dbKey{2, "ttl:seconds:zset"}] = item{Kind: engine.KindZSet, ZSet: []zm{{"m", 1}}, ExpireAt: seconds + 86_400_000}
	return d
}

// pipelineReplies sends every command, then returns every reply, errors
// included.
func (rc *redisConn) pipelineReplies(cmds [][]string) []any {
	rc.t.Helper()
	for _, c := range cmds {
		rc.send(c...)
	}
	if err := rc.w.Flush(); err != nil {
		rc.t.Fatal(err)
	}
	replies := make([]any, len(cmds))
	for i := range cmds {
		v, err := rc.read()
		if _, ok := err.(respError); err != nil && !ok {
			rc.t.Fatalf("redis %.60q: %v", cmds[i], err)
		}
		replies[i] = v
		if err != nil {
			replies[i] = err
		}
	}
	return replies
}

// perKey runs one command for each key, in its database, and returns the
// replies by key; args gets each key and returns its command.
func perKey(t testing.TB, rc *redisConn, keys []dbKey, args func(k dbKey) []string) map[dbKey]any {
	t.Helper()
	var cmds [][]string
	for _, k := range keys {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(k.DB)}, args(k))
	}
	replies := rc.pipelineReplies(cmds)
	out := map[dbKey]any{}
	for i, k := range keys {
		out[k] = replies[2*i+1]
	}
	return out
}

// values returns every value in a snapshot.
func values(t testing.TB, s *engine.Snapshot) map[dbKey]engine.Value {
	t.Helper()
	out := map[dbKey]engine.Value{}
	for db := range s.DBs() {
		err := s.Each(db, func(key string, v engine.Value, _ int64) error {
			out[dbKey{db, key}] = v
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Ensure that redis-check-rdb accepts what Encode writes and redis-server
// loads exactly the same keys, values and TTLs from it.
func TestEncode_RealRedisLoads(t *testing.T) {
	needTools(t, "redis-server", "redis-check-rdb")
	tests := []struct {
		name     string
		data     dataset
		plainMin int // 0: Encode; otherwise elements this long are plain nodes
	}{
		{"edge cases and random keys", realDataset(1), 0},
		{"plain quicklist nodes", dataset{
			{0, "list"}:       {Kind: engine.KindList, List: []string{"a", strings.Repeat("p", 200), "b", "c", strings.Repeat("q", 300), strings.Repeat("r", 250)}},
			{0, "only plain"}: {Kind: engine.KindList, List: []string{strings.Repeat("x", 100)}},
		}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e := engine.New(engine.Options{})
			fill(t, e, tt.data)
			var buf bytes.Buffer
			if tt.plainMin == 0 {
				if err := persist.Encode(&buf, e.Snapshot()); err != nil {
					t.Fatal(err)
				}
			} else if err := persist.EncodePlainNodes(&buf, e.Snapshot(), tt.plainMin); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "our.rdb")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			checkRDB(t, path)
			rc := startRedis(t, dir, "our.rdb")
			compare(t, redisDump(t, rc), tt.data)
			compare(t, redisDump(t, rc), dump(t, e.Snapshot())) // encodings too
		})
	}
}

// Ensure, over random datasets, that redis-check-rdb accepts what Encode
// writes and that redis-server loads from it the same keys, values, TTLs
// and encodings.
func TestEncode_RealRedisRandom(t *testing.T) {
	needTools(t, "redis-server", "redis-check-rdb")
	dir := t.TempDir()
	path := filepath.Join(dir, "our.rdb")
	rc := startRedis(t, dir, "our.rdb")
	now := time.Now().Add(time.Hour).UnixMilli()
	for seed := range uint64(8) {
		data := randomDataset(randPCG(1000+seed), 60, now)
		e := engine.New(engine.Options{})
		fill(t, e, data)
		var buf bytes.Buffer
		if err := persist.Encode(&buf, e.Snapshot()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		checkRDB(t, path)
		rc.must("DEBUG", "RELOAD", "NOSAVE")
		got := redisDump(t, rc)
		compare(t, got, data)
		compare(t, got, dump(t, e.Snapshot())) // encodings too
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
}

// Ensure that Decode reads what a real redis-server writes, in every
// encoding it uses, with PhotonDB's encoding limits, with Redis's built-in
// defaults, and with other quicklist node sizes and compression; and that
// each key's DUMP payload goes both ways: Redis's restores in PhotonDB and
// PhotonDB's in Redis, to the same value. Where the two servers lay out a
// value alike, the payloads are the same bytes.
func TestDecode_RealRedisDump(t *testing.T) {
	needTools(t, "redis-server")
	lists := func(d dataset) dataset {
		maps.DeleteFunc(d, func(_ dbKey, it item) bool { return it.Kind != engine.KindList })
		return d
	}
	tests := []struct {
		name   string
		args   []string
		lists  bool // only lists matter: the test leaves out other keys
		limits bool // Redis converts encodings where PhotonDB does
		nodes  bool // Redis splits and compresses lists as PhotonDB writes them
	}{
		{"PhotonDB's limits", nil, false, true, true},
		{"built-in defaults", []string{"--hash-max-listpack-entries", "512"}, false, engineHashMax() == 512, true},
		{"small compressed nodes", []string{"--list-max-listpack-size", "4", "--list-compress-depth", "1"}, true, true, false},
		{"64 KiB nodes", []string{"--list-max-listpack-size", "-5", "--list-compress-depth", "2"}, true, true, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			rc := startRedis(t, dir, "dump.rdb", tt.args...)
			data := realDataset(uint64(2 + i))
			if tt.lists {
				data = lists(data)
			}
			populate(t, rc, data)
			// Redis's own view must match before the file is worth comparing.
			view := redisDump(t, rc)
			compare(t, view, data)
			if !tt.limits {
				for k, it := range view {
					it.Enc = ""
					view[k] = it
				}
			}
			rc.must("SAVE")
			b, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
			if err != nil {
				t.Fatal(err)
			}
			got := engine.New(engine.Options{})
			info, err := persist.Decode(bytes.NewReader(b), got.Put)
			if err != nil {
				t.Fatal(err)
			}
			if info.Version != 10 || info.Aux["redis-ver"] != "7.0.15" || info.Keys != len(data) {
				t.Errorf("info = version %d, redis-ver %q, %d keys; want 10, 7.0.15, %d", info.Version, info.Aux["redis-ver"], info.Keys, len(data))
			}
			compare(t, dump(t, got.Snapshot()), data)
			compare(t, dump(t, got.Snapshot()), view)
			checkDumps(t, rc, data, view, values(t, got.Snapshot()), tt.limits && tt.nodes)
		})
	}
}

// checkDumps restores each key's DUMP payload from Redis with DumpFormat,
// and PhotonDB's payload of its value ours[k] in Redis, and compares both
// with data and with Redis's view of it. With sameBytes, the payloads
// must also be equal, but for hash tables, whose order is each server's.
func checkDumps(t *testing.T, rc *redisConn, data, view dataset, ours map[dbKey]engine.Value, sameBytes bool) {
	t.Helper()
	keys := sortedKeys(data)
	payloads := perKey(t, rc, keys, func(k dbKey) []string { return []string{"DUMP", k.Key} })
	restored := dataset{}
	var restores [][]string
	same := 0
	for _, k := range keys {
		redisPayload, ok := payloads[k].(string)
		if !ok {
			t.Fatalf("db %d key %.40q: DUMP answered %v", k.DB, k.Key, payloads[k])
		}
		v, err := persist.DumpFormat{}.Restore([]byte(redisPayload))
		if err != nil {
			t.Fatalf("db %d key %.40q: restoring Redis's payload: %v", k.DB, k.Key, err)
		}
		restored[k] = itemOf(v, data[k].ExpireAt)
		p, err := persist.DumpFormat{}.Dump(ours[k])
		if err != nil {
			t.Fatalf("db %d key %.40q: %v", k.DB, k.Key, err)
		}
		if enc := view[k].Enc; sameBytes && enc != "hashtable" {
			same++
			if string(p) != redisPayload {
				t.Errorf("db %d key %.40q (%v, %s): DUMP payload differs from Redis's\n got %.80x\nwant %.80x",
					k.DB, k.Key, data[k].Kind, enc, p, redisPayload)
			}
		}
		restore := []string{"RESTORE", k.Key, "0", string(p), "REPLACE"}
		if at := data[k].ExpireAt; at != 0 {
			restore = []string{"RESTORE", k.Key, strconv.FormatInt(at, 10), string(p), "REPLACE", "ABSTTL"}
		}
		restores = append(restores, []string{"SELECT", strconv.Itoa(k.DB)}, restore)
	}
	if sameBytes {
		t.Logf("%d of %d payloads compared byte for byte", same, len(keys))
	}
	compare(t, restored, data)
	compare(t, restored, view)
	for i, r := range rc.pipelineReplies(restores) {
		if i%2 == 1 && r != "OK" {
			t.Fatalf("RESTORE of %.60q: %v", restores[i][1], r)
		}
	}
	again := redisDump(t, rc)
	compare(t, again, data)
	compare(t, again, view)
}

// fixture is a dump made by a real redis-server and committed under
// testdata/rdb, so that the decoder is tested without Redis installed.
type fixture struct {
	file  string     // name in testdata/rdb
	args  []string   // redis-server options
	setup [][]string // commands run before the data is written
	data  dataset    // written with populate, and what Decode must return
	extra [][]string // commands for what a dataset cannot hold
	err   error      // what Decode must return instead
	msg   string     // and what its message must say
	skip  int        // with LoadOptions.SkipUnsupported, data loads and this many are skipped
}

// fixtureExpiry is 2100-01-01, far enough ahead for the committed dumps.
const fixtureExpiry = 4102444800000

func fixtures() []fixture {
	nodes := make([]string, 14)
	for i := range nodes {
		nodes[i] = fmt.Sprintf("element-%02d-padding-padding-padding-padding", i)
	}
	table := map[string]string{}
	for i := range 20 {
		table["field-"+strconv.Itoa(i)] = strconv.Itoa(i * i)
	}
	return []fixture{{
		file: "redis-7.0.15-encodings.rdb",
		setup: [][]string{
			{"CONFIG", "SET", "list-max-listpack-size", "4"},
			{"CONFIG", "SET", "list-compress-depth", "1"},
			{"CONFIG", "SET", "hash-max-listpack-entries", "16"},
			{"CONFIG", "SET", "set-max-intset-entries", "4"},
			{"CONFIG", "SET", "zset-max-listpack-entries", "4"},
			{"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"},
		},
		data: dataset{
			{0, "int8"}:       {Kind: engine.KindString, Str: "100"},
			{0, "int16"}:      {Kind: engine.KindString, Str: "-3000"},
			{0, "int32"}:      {Kind: engine.KindString, Str: "70000"},
			{0, "int64"}:      {Kind: engine.KindString, Str: "12345678901234"},
			{0, "not an int"}: {Kind: engine.KindString, Str: "007"},
			{0, "lzf"}:        {Kind: engine.KindString, Str: strings.Repeat("photon ", 10)},
			{0, "binary"}:     {Kind: engine.KindString, Str: "\x00\x01\xff\r\n"},
			{0, "empty"}:      {Kind: engine.KindString, Str: ""},
			{0, "12345"}:      {Kind: engine.KindString, Str: "integer key"},
			{0, "list:small"}: {Kind: engine.KindList, List: []string{"a", "1", "-2", "300", "70000", "5000000000", strings.Repeat("x", 70)}},
			{0, "list:nodes"}: {Kind: engine.KindList, List: nodes},
			{0, "list:plain"}: {Kind: engine.KindList, List: []string{"small", strings.Repeat("p", 150), "small2"}},
			{0, "hash:small"}: {Kind: engine.KindHash, Hash: map[string]string{"a": "1", "b": "two", "c": ""}},
			{0, "hash:table"}: {Kind: engine.KindHash, Hash: table},
			{0, "ttl"}:        {Kind: engine.KindString, Str: "expires in 2100", ExpireAt: fixtureExpiry},
			{0, "ttl:list"}:   {Kind: engine.KindList, List: []string{"x"}, ExpireAt: fixtureExpiry + 1},
			{1, "db1:key"}:    {Kind: engine.KindString, Str: "in db 1"},
			{15, "db15:hash"}: {Kind: engine.KindHash, Hash: map[string]string{"big": strings.Repeat("v", 100)}},
			{2, "set:intset"}: setItem("3", "1", "2"),
			{2, "set:int64"}:  setItem("-5", "1099511627776"),
			{2, "set:table"}:  setItem("a", "b", "c", "1"),
			{2, "set:ints"}:   setItem("1", "2", "3", "4", "5", "6"),
			{3, "zset:small"}: zsetItem("a", 1.0, "b", 2.5, "c", math.Inf(-1)),
			{3, "zset:big"}:   zsetItem("a", 1.0, "b", 1e300, "c", math.Inf(1), "d", -0.125, "e", 7.0, "f", 1e-300),
			{3, "zset:ttl"}:   {Kind: engine.KindZSet, ZSet: []zm{{"m", 1}}, ExpireAt: fixtureExpiry + 2},
		},
	}, {
		file: "redis-7.0.15-no-checksum.rdb",
		args: []string{"--rdbchecksum", "no", "--rdbcompression", "no"},
		data: dataset{
			{0, "k"}:    {Kind: engine.KindString, Str: strings.Repeat("not compressed ", 4)},
			{0, "list"}: {Kind: engine.KindList, List: []string{"a", "b"}},
		},
	}, {
		file: "redis-7.0.15-stream-function.rdb",
		data: dataset{{0, "before"}: {Kind: engine.KindString, Str: "1"}, {0, "set"}: setItem("a")},
		extra: [][]string{
			{"FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f', function() return 1 end)"},
			{"XADD", "stream", "1-1", "f", "v"}, {"XADD", "stream", "2-1", "g", "w"},
			{"XGROUP", "CREATE", "stream", "group", "0"},
			{"XREADGROUP", "GROUP", "group", "consumer", "COUNT", "1", "STREAMS", "stream", ">"},
		},
		err:  persist.ErrUnsupportedType,
		msg:  `function library "mylib" (FUNCTION LOAD) is stored here`,
		skip: 2,
	}}
}

func fixtureFiles(t testing.TB) [][]byte {
	t.Helper()
	var files [][]byte
	for _, fx := range fixtures() {
		if b, err := os.ReadFile(filepath.Join(fixtureDir, fx.file)); err == nil {
			files = append(files, b)
		}
	}
	return files
}

// Ensure that the committed dumps from real Redis decode to what was
// written into them. With -update-rdb, remake them first.
func TestDecode_RedisFixtures(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.file, func(t *testing.T) {
			path := filepath.Join(fixtureDir, fx.file)
			if *updateRDB {
				makeFixture(t, fx, path)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := newEngine(t)
			_, err = persist.Decode(bytes.NewReader(b), got.Put)
			if fx.err != nil {
				var fe *persist.FormatError
				if !errors.Is(err, fx.err) || !errors.As(err, &fe) || !strings.Contains(err.Error(), fx.msg) {
					t.Fatalf("err = %v, want a FormatError wrapping %v saying %q", err, fx.err, fx.msg)
				}
				got = newEngine(t)
				var warnings []string
				o := persist.LoadOptions{SkipUnsupported: true, Warn: func(m string) { warnings = append(warnings, m) }}
				info, err := persist.DecodeWith(bytes.NewReader(b), o, got.Put)
				if err != nil || info.Skipped != fx.skip || len(warnings) != fx.skip {
					t.Fatalf("skipping: err %v, %d skipped, warnings %q; want %d", err, info.Skipped, warnings, fx.skip)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			compare(t, dump(t, got.Snapshot()), fx.data)
		})
	}
}

func makeFixture(t *testing.T, fx fixture, path string) {
	t.Helper()
	dir := t.TempDir()
	rc := startRedis(t, dir, "dump.rdb", fx.args...)
	rc.pipeline(fx.setup)
	populate(t, rc, fx.data)
	rc.must("SELECT", "0")
	rc.pipeline(fx.extra)
	rc.must("SAVE")
	b, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Ensure that strings compress to exactly the bytes Redis writes, so
// that DUMP payloads and files match Redis's byte for byte: DUMP of each
// input on a real redis-server equals DumpFormat's, and its compressed
// bytes are also what a table kept across the inputs gives, as Redis's
// lzf_compress keeps its own from call to call.
func TestLZF_MatchesRedis(t *testing.T) {
	needTools(t, "redis-server")
	rc := startRedis(t, t.TempDir(), "dump.rdb")
	inputs := persist.LZFInputs(2, 600)
	var cmds [][]string
	for i, in := range inputs {
		cmds = append(cmds, []string{"SET", "k" + strconv.Itoa(i), string(in)})
	}
	rc.pipeline(cmds)
	var shared persist.LZFTable
	compressed := 0
	for i, in := range inputs {
		want := []byte(rc.must("DUMP", "k"+strconv.Itoa(i)).(string))
		got, err := persist.DumpFormat{}.Dump(engine.StringValue(in))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("input %d (%d bytes): DUMP payload\n got %.120x\nwant %.120x", i, len(in), got, want)
		}
		z := persist.LZFCompress(in, &shared)
		if lzf := want[1] == 0xC3; lzf != (z != nil) || lzf && !bytes.HasSuffix(want[:len(want)-10], z) {
			t.Fatalf("input %d (%d bytes): with a kept table, compressed = %v (%d bytes); Redis's payload %.120x",
				i, len(in), z != nil, len(z), want)
		}
		if z != nil {
			compressed++
		}
	}
	t.Logf("%d of %d inputs compressed", compressed, len(inputs))
}
