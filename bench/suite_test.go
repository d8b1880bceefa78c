package bench

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Ensure that -t lists parse as redis-benchmark reads them (any case,
// commas, duplicates), and that an unknown name is refused by name.
func TestParseTests(t *testing.T) {
	cases := []struct {
		list    string
		want    []string
		wantErr string
	}{
		{list: "set", want: []string{"set"}},
		{list: "SET,Get", want: []string{"set", "get"}},
		{list: "set, get ,set,,", want: []string{"set", "get"}},
		{list: "lrange_100,lrange_300,lrange_600,mset,ping", want: []string{"lrange_100", "lrange_300", "lrange_600", "mset", "ping"}},
		{list: "set,gte", wantErr: `unknown test "gte"`},
		{list: ",", wantErr: "names no test"},
		{list: "", wantErr: "names no test"},
	}
	for _, tc := range cases {
		got, err := ParseTests(tc.list)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseTests(%q) = %v, %v; want an error saying %q", tc.list, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseTests(%q) = %v, %v; want %v", tc.list, got, err, tc.want)
		}
	}
}

// Ensure that the tests run in redis-benchmark's order whatever the
// order of -t, that "ping" and "lrange" select their groups, and that
// every LRANGE test is preceded by the LPUSH that fills its list.
func TestPlan_Order(t *testing.T) {
	titles := func(names ...string) []string {
		var got []string
		for _, tt := range plan(names, "xxx", false) {
			got = append(got, tt.title)
		}
		return got
	}
	cases := []struct {
		names []string
		want  []string
	}{
		{[]string{"get", "set"}, []string{"SET", "GET"}},
		{[]string{"ping"}, []string{"PING_INLINE", "PING_MBULK"}},
		{[]string{"mset", "lrange_300"}, []string{"LPUSH (needed to benchmark LRANGE)", "LRANGE_300 (first 300 elements)", "MSET (10 keys)"}},
		{[]string{"lrange"}, []string{"LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)",
			"LRANGE_300 (first 300 elements)", "LRANGE_500 (first 450 elements)", "LRANGE_600 (first 600 elements)"}},
		{[]string{"lpush", "lrange_100"}, []string{"LPUSH", "LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)"}},
	}
	for _, tc := range cases {
		if got := titles(tc.names...); !slices.Equal(got, tc.want) {
			t.Errorf("plan(%v) = %q, want %q", tc.names, got, tc.want)
		}
	}
	if got := titles(); len(got) != 20 || got[0] != "PING_INLINE" || got[19] != "MSET (10 keys)" {
		t.Errorf("plan() = %q, want redis-benchmark's 20 tests from PING_INLINE to MSET", got)
	}
}

// Ensure that the commands are formatted as redis-benchmark formats
// them, ZADD's score included, which is random only with -r.
func TestPlan_Commands(t *testing.T) {
	want := map[string]string{
		"PING_INLINE":                     "PING\r\n",
		"PING_MBULK":                      "*1\r\n$4\r\nPING\r\n",
		"SET":                             "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nxyz\r\n",
		"GET":                             "*2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n",
		"HSET":                            "*4\r\n$4\r\nHSET\r\n$6\r\nmyhash\r\n$20\r\nelement:__rand_int__\r\n$3\r\nxyz\r\n",
		"ZADD":                            "*4\r\n$4\r\nZADD\r\n$6\r\nmyzset\r\n$1\r\n0\r\n$20\r\nelement:__rand_int__\r\n",
		"LRANGE_500 (first 450 elements)": "*4\r\n$6\r\nLRANGE\r\n$6\r\nmylist\r\n$1\r\n0\r\n$3\r\n449\r\n",
	}
	for _, tt := range plan(nil, "xyz", false) {
		if w, ok := want[tt.title]; ok {
			if got := string(appendCommand(nil, tt)); got != w {
				t.Errorf("%s: %q, want %q", tt.title, got, w)
			}
			delete(want, tt.title)
		}
		if tt.title == "MSET (10 keys)" && (len(tt.args) != 21 || tt.args[19] != "key:__rand_int__" || tt.args[20] != "xyz") {
			t.Errorf("MSET args %q, want MSET and 10 key:__rand_int__ xyz pairs", tt.args)
		}
	}
	if len(want) > 0 {
		t.Errorf("tests missing from the plan: %v", want)
	}
	zadd := plan([]string{"zadd"}, "xyz", true)[0]
	if zadd.args[2] != randPlaceholder {
		t.Errorf("ZADD with -r: score %q, want %q", zadd.args[2], randPlaceholder)
	}
}

// Ensure that the value is redis-benchmark's: the same generator and
// seed, so both clients store the same bytes.
func TestPayload(t *testing.T) {
	// redis-benchmark -d 8 -t set -n 1 leaves this value in the key (seen
	// with GET key:__rand_int__ on redis-server 7.0.15).
	if got := payload(8); got != "VXKeHogK" {
		t.Errorf("payload(8) = %q, want %q", got, "VXKeHogK")
	}
	p := payload(1000)
	if len(p) != 1000 || !regexp.MustCompile(`^[0-o]+$`).MatchString(p) {
		t.Errorf("payload(1000) = %q..., want 1000 bytes from '0' to 'o'", p[:20])
	}
}

// Ensure that -r rewrites every placeholder of the batch with 12 digits
// below the keyspace, differently from batch to batch, and that without
// -r the placeholders stay.
func TestTemplate_Randomize(t *testing.T) {
	mset := plan([]string{"mset"}, "v", true)[0]
	tm := newTemplate(mset, 4, true)
	if len(tm.rands) != 40 {
		t.Fatalf("%d placeholders in 4 MSETs, want 40", len(tm.rands))
	}
	c := &client{out: tm.batch, rands: tm.rands, rng: 42}
	seen := map[string]bool{}
	digits := regexp.MustCompile(`key:(\d{12})\r\n`)
	for range 50 {
		c.randomize(1000)
		for _, m := range digits.FindAllStringSubmatch(string(c.out), -1) {
			if !strings.HasPrefix(m[1], "000000000") {
				t.Fatalf("random key %q is not below 1000", m[1])
			}
			seen[m[1]] = true
		}
	}
	if len(seen) < 500 {
		t.Errorf("2000 random keys below 1000 took only %d values", len(seen))
	}
	c.randomize(0)
	if !strings.Contains(string(c.out), "key:000000000000\r\n") {
		t.Errorf("keyspace 0 should write 000000000000, got %q", c.out[:60])
	}
	if fixed := newTemplate(mset, 2, false); len(fixed.rands) != 0 || !strings.Contains(string(fixed.batch), "key:__rand_int__") {
		t.Errorf("without -r the placeholders must stay: %d found, batch %q", len(fixed.rands), fixed.batch[:40])
	}
}
