package server_test

import (
	"fmt"
	"strings"
)

// Long lists and large elements, which photon keeps in many chunks, run
// against photon and a real redis-server by TestServer_MatchesRedis:
// reads, writes in the middle, removals and trims across chunk
// boundaries, a list copied and then changed on both sides.
func init() {
	words := func(format string, n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = fmt.Sprintf(format, i)
		}
		return strings.Join(w, " ")
	}
	big := strings.Repeat("x", 5000)
	bigger := strings.Repeat("y", 20000)
	compatScripts = append(compatScripts,
		struct {
			name  string
			lines []string
		}{"list chunks", []string{
			"RPUSH l " + words("elem-%04d", 1000), "LPUSH l " + words("head-%04d", 1000),
			"RPUSH l " + big, "LPUSH l " + bigger, "RPUSH l " + words("dup", 300), "LPUSH l " + words("dup", 300),
			"LLEN l", "OBJECT ENCODING l", "LINDEX l 0", "LINDEX l 1", "LINDEX l 1000", "LINDEX l 1300", "LINDEX l -1",
			"LINDEX l -302", "LINDEX l 2601", "LINDEX l 2602", "LRANGE l 290 310", "LRANGE l 1295 1305",
			"LRANGE l -305 -295", "LPOS l elem-0700", "LPOS l dup RANK -1", "LPOS l dup RANK 2 COUNT 3",
			"LPOS l dup COUNT 0 MAXLEN 5", "LPOS l " + big, "LPOS l " + bigger + " RANK -1",
			"LINSERT l BEFORE elem-0500 ins", "LINSERT l AFTER " + big + " ins", "LINSERT l BEFORE " + bigger + " ins",
			"LSET l 1700 set", "LSET l 2 " + big, "LSET l -1 " + bigger, "LRANGE l 0 3", "LRANGE l -3 -1",
			"LREM l 2 ins", "LREM l -150 dup", "LREM l 0 " + big, "LLEN l", "LRANGE l 0 -1",
			"COPY l c", "RPUSH c after", "LPUSH l before", "LSET c 500 changed", "LINSERT l AFTER elem-0001 new",
			"LRANGE c -3 -1", "LRANGE l 0 2", "LINDEX c 500", "LINDEX l 501", "LLEN l", "LLEN c",
			"LTRIM l 3 1900", "LLEN l", "LRANGE l 0 4", "LRANGE l -4 -1", "LPOP l 700", "RPOP l 300",
			"LRANGE l 0 -1", "RPOPLPUSH l l", "LMOVE l l LEFT RIGHT", "LMOVE l c RIGHT LEFT", "LRANGE l 0 2",
			"LRANGE l -2 -1", "LRANGE c 0 1", "SORT c ALPHA LIMIT 0 20", "SORT c ALPHA LIMIT 1000 5 STORE s",
			"LRANGE s 0 -1", "LRANGE l 0 -1", "LREM c 0 dup", "LREM c 0 after", "LLEN c", "LTRIM c 10 5", "EXISTS c",
		}},
	)
}
