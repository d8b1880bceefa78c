// Package difftest is a seeded, randomized differential tester: it sends
// the same generated command sequence to PhotonDB and to a real
// redis-server, compares every reply, and, when two replies differ,
// shrinks the sequence to a minimal one that still shows the difference
// and prints it with the seed that produced it.
//
// # Pieces
//
//   - Generators (gen_*.go, one file per command family) make commands
//     with valid and invalid arguments over a small shared key space, so
//     that wrong-type and overwrite paths are hit all the time.
//   - Rules (rules.go) say how to compare the replies of a command where
//     Redis leaves something unspecified: the order of KEYS, of a hash
//     that Redis keeps as a hash table, the remaining time of a TTL, the
//     contents of TIME or INFO. Everything else is compared exactly.
//   - The Runner (runner.go) pipelines commands in batches to both
//     servers, compares, and at the end compares the final datasets
//     (every key's type, value and TTL) with the same machinery.
//   - Shrink (shrink.go) delta-debugs a failing sequence against freshly
//     flushed servers.
//   - Known (known.go) lists the differences found and not yet fixed, so
//     that the generators steer around them until they are.
//
// # Adding a generator
//
// A new command family is one file, gen_<family>.go, that registers a
// Family in an init function:
//
//	func init() {
//		register(&Family{
//			Name: "set",
//			Commands: []Command{
//				{Name: "SADD", Weight: 4, Make: func(g *G) []string {
//					return append([]string{"SADD", g.Key()}, g.Members(0, 4)...)
//				}},
//				{Name: "SMEMBERS", Weight: 2, Make: func(g *G) []string {
//					return []string{"SMEMBERS", g.Key()}
//				}},
//			},
//			// Replies whose order Redis leaves unspecified.
//			Rules: map[string]Rule{"SMEMBERS": UnorderedUnlessEncoding("intset", "listpack")},
//			// Reads a whole value of this family's type for the final
//			// comparison of the datasets (WRONGTYPE for other types).
//			Inspect: func(key string) []string { return []string{"SMEMBERS", key} },
//		})
//	}
//
// A command whose point is a sequence (MULTI ... EXEC, WATCH, SUBSCRIBE
// ... UNSUBSCRIBE) has a Seq instead of Make: the driver sends its
// commands one after the other, and Seq may ask for commands of other
// families to put inside (only exactly compared ones inside MULTI, as
// EXEC's reply holds their replies). A Rule may depend on the command's
// arguments through For (SRANDMEMBER's count, SORT's options).
//
// Make returns the command's arguments; G offers keys, fields, values,
// integers, floats and TTLs with their edge cases (empty, binary, huge,
// negative, non-numeric, NaN and infinities). A generator should produce
// invalid forms too: wrong arity, bad options, bad numbers. Keep it
// deterministic: a reply must not depend on the clock (use G.RelTTL and
// G.AbsTTL, never a short TTL) or on randomness (compare only the shape
// of a random command's reply with a Rule). The package tests then run
// the new commands; a difference that is a bug to fix later goes into
// testdata/difftest/known.txt and the known list (known.go).
package difftest
