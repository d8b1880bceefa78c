package bench

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// randPlaceholder is replaced, in every command sent, by a random
// 12-digit number below the keyspace size (-r), as in redis-benchmark.
const randPlaceholder = "__rand_int__"

// test is one benchmark of the suite: a command sent over and over.
type test struct {
	title  string   // as redis-benchmark prints it
	inline string   // the command as an inline line, sent as is; or
	args   []string // the command's arguments, sent as a RESP array
}

// suiteTest is a row of the suite: the names -t selects it by, and how
// to build its command from the value data and the keyspace switch.
type suiteTest struct {
	names []string // lower-case names for -t; the first is the canonical one
	build func(data string, random bool) test
}

// suite lists redis-benchmark 7.0's tests in the order it runs them,
// whatever the order of -t. The LPUSH before the LRANGE tests fills the
// list they read; it runs whenever one of them is selected.
var suite = []suiteTest{
	{[]string{"ping_inline", "ping"}, func(string, bool) test { return test{title: "PING_INLINE", inline: "PING\r\n"} }},
	{[]string{"ping_mbulk", "ping"}, fixed("PING_MBULK", "PING")},
	{[]string{"set"}, func(d string, _ bool) test { return test{title: "SET", args: []string{"SET", "key:__rand_int__", d}} }},
	{[]string{"get"}, fixed("GET", "GET", "key:__rand_int__")},
	{[]string{"incr"}, fixed("INCR", "INCR", "counter:__rand_int__")},
	{[]string{"lpush"}, func(d string, _ bool) test { return test{title: "LPUSH", args: []string{"LPUSH", "mylist", d}} }},
	{[]string{"rpush"}, func(d string, _ bool) test { return test{title: "RPUSH", args: []string{"RPUSH", "mylist", d}} }},
	{[]string{"lpop"}, fixed("LPOP", "LPOP", "mylist")},
	{[]string{"rpop"}, fixed("RPOP", "RPOP", "mylist")},
	{[]string{"sadd"}, fixed("SADD", "SADD", "myset", "element:__rand_int__")},
	{[]string{"hset"}, func(d string, _ bool) test {
		return test{title: "HSET", args: []string{"HSET", "myhash", "element:__rand_int__", d}}
	}},
	{[]string{"spop"}, fixed("SPOP", "SPOP", "myset")},
	{[]string{"zadd"}, func(_ string, random bool) test {
		score := "0"
		if random {
			score = randPlaceholder
		}
		return test{title: "ZADD", args: []string{"ZADD", "myzset", score, "element:__rand_int__"}}
	}},
	{[]string{"zpopmin"}, fixed("ZPOPMIN", "ZPOPMIN", "myzset")},
	{[]string{"lrange", "lrange_100", "lrange_300", "lrange_500", "lrange_600"}, func(d string, _ bool) test {
		return test{title: "LPUSH (needed to benchmark LRANGE)", args: []string{"LPUSH", "mylist", d}}
	}},
	{[]string{"lrange_100", "lrange"}, fixed("LRANGE_100 (first 100 elements)", "LRANGE", "mylist", "0", "99")},
	{[]string{"lrange_300", "lrange"}, fixed("LRANGE_300 (first 300 elements)", "LRANGE", "mylist", "0", "299")},
	{[]string{"lrange_500", "lrange"}, fixed("LRANGE_500 (first 450 elements)", "LRANGE", "mylist", "0", "449")},
	{[]string{"lrange_600", "lrange"}, fixed("LRANGE_600 (first 600 elements)", "LRANGE", "mylist", "0", "599")},
	{[]string{"mset"}, func(d string, _ bool) test {
		args := []string{"MSET"}
		for range 10 {
			args = append(args, "key:__rand_int__", d)
		}
		return test{title: "MSET (10 keys)", args: args}
	}},
}

// fixed is a suite row whose command does not depend on the value.
func fixed(title string, args ...string) func(string, bool) test {
	return func(string, bool) test { return test{title: title, args: args} }
}

// TestNames lists the names -t accepts, in the suite's order.
func TestNames() []string {
	var names []string
	for _, st := range suite {
		for _, n := range st.names {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// ParseTests splits a -t list such as "set,GET, lrange_100" into
// lower-case test names. Unlike redis-benchmark, which runs nothing for a
// name it does not know, it refuses one and says which names exist.
func ParseTests(list string) ([]string, error) {
	known := TestNames()
	var names []string
	for _, n := range strings.Split(list, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("-t: unknown test %q; the tests are %s", n, strings.Join(known, ", "))
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("-t %q names no test; the tests are %s", list, strings.Join(known, ", "))
	}
	return names, nil
}

// plan returns the tests to run, in the suite's order: those selected
// by name, or all of them when names is empty.
func plan(names []string, data string, random bool) []test {
	var tests []test
	for _, st := range suite {
		if len(names) == 0 || slices.ContainsFunc(st.names, func(n string) bool { return slices.Contains(names, n) }) {
			tests = append(tests, st.build(data, random))
		}
	}
	return tests
}

// customTest is a command given on the command line, titled as
// redis-benchmark titles it: its arguments joined by spaces.
func customTest(args []string) test {
	return test{title: strings.Join(args, " "), args: args}
}

// payload returns size bytes of the value redis-benchmark sends: the
// same pseudo-random printable bytes from the same generator and seed,
// so that the servers under test store the same data for either client.
func payload(size int) string {
	b := make([]byte, size)
	state := uint32(1234)
	for i := range b {
		state = state*1103515245 + 12345
		b[i] = '0' + byte((state>>16)&63)
	}
	return string(b)
}

// appendCommand appends t's command to buf in the form sent on the wire.
func appendCommand(buf []byte, t test) []byte {
	if t.inline != "" {
		return append(buf, t.inline...)
	}
	buf = append(buf, '*')
	buf = strconv.AppendInt(buf, int64(len(t.args)), 10)
	buf = append(buf, '\r', '\n')
	for _, a := range t.args {
		buf = append(buf, '$')
		buf = strconv.AppendInt(buf, int64(len(a)), 10)
		buf = append(buf, '\r', '\n')
		buf = append(buf, a...)
		buf = append(buf, '\r', '\n')
	}
	return buf
}
