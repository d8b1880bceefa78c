package difftest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Family is a group of commands with their generators, the rules that
// compare their replies, and how to read a whole value of the family's
// type at the end of a run. Each gen_<family>.go file registers one.
type Family struct {
	Name     string
	Commands []Command
	// Rules compare the replies of commands whose replies Redis leaves
	// partly unspecified, keyed by upper-case command name, or by
	// "NAME|SUB" for a subcommand. Commands without a rule compare
	// exactly.
	Rules map[string]Rule
	// Inspect returns a command that reads the whole value of key when
	// it holds this family's type, for the final comparison; nil when the
	// family has no type of its own.
	Inspect func(key string) []string
	// Reset lists commands that undo what this family's commands may have
	// changed outside the keyspace (configuration), run on both servers
	// before a sequence is replayed.
	Reset [][]string
}

// Command generates one command. Weight is its share of the generated
// commands relative to the others. Make returns the arguments, the
// command name first.
type Command struct {
	Name   string
	Weight int
	Make   func(g *G) []string
	// Fixed keeps the driver from mutating the command's arity or the
	// case of its name: for commands whose mutated forms would leave
	// the test (such as closing the connection).
	Fixed bool
	// Seq, when set instead of Make, returns a sequence of commands
	// that the driver sends one after the other with nothing between
	// them (MULTI ... EXEC, SUBSCRIBE ... UNSUBSCRIBE). other returns a
	// command of another family, one whose replies compare exactly when
	// exact is true (as inside MULTI, where EXEC's reply holds them all).
	// Its commands keep their arity.
	Seq func(g *G, other func(exact bool) []string) [][]string
}

var families []*Family

// register adds a family; gen_*.go files call it from init.
func register(f *Family) {
	for _, g := range families {
		if g.Name == f.Name {
			panic("difftest: family " + f.Name + " registered twice")
		}
	}
	families = append(families, f)
}

// Families returns the names of the registered families, sorted.
func Families() []string {
	var names []string
	for _, f := range families {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return names
}

// selectFamilies returns the registered families named in names, or all
// of them when names is empty.
func selectFamilies(names []string) ([]*Family, error) {
	if len(names) == 0 {
		return families, nil
	}
	var out []*Family
	for _, n := range names {
		i := slices.IndexFunc(families, func(f *Family) bool { return f.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("no command family %q (there are %s)", n, strings.Join(Families(), ", "))
		}
		out = append(out, families[i])
	}
	return out, nil
}

// Keys is the key space every generator draws from: small, so that
// commands of different types meet on the same keys. It has an empty
// key, binary bytes, a space, and glob metacharacters for KEYS.
var Keys = []string{
	"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9",
	"key", "kk", "x", "y", "", "a b", "k\x00\xff", "k*", "k?x", "[k]",
}

// DBs is how many databases the generators SELECT between.
const DBs = 3

// G is the random source of one run, with helpers for the kinds of
// argument commands take. A run is reproducible from its seed.
type G struct {
	r    *rand.Rand
	uniq int64    // counts relative TTLs, so that no two are equal
	home []string // keys the current command's family prefers
}

// NewG returns a generator source seeded with seed.
func NewG(seed uint64) *G {
	return &G{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Intn returns a number in [0, n).
func (g *G) Intn(n int) int { return g.r.IntN(n) }

// Between returns a number in [lo, hi].
func (g *G) Between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// Percent reports true p times in a hundred.
func (g *G) Percent(p int) bool { return g.r.IntN(100) < p }

// Pick returns one of xs.
func (g *G) Pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// Key returns a key of the shared key space: half the time one of the
// few that the command's family prefers, so that its values grow,
// else mostly one of the first few, so that types meet.
func (g *G) Key() string {
	switch n := g.r.IntN(100); {
	case n < 50 && len(g.home) > 0:
		return g.home[g.r.IntN(len(g.home))]
	case n < 75:
		return Keys[g.r.IntN(6)]
	}
	return Keys[g.r.IntN(len(Keys))]
}

// homeKeys returns the keys each family prefers: two of the first ten
// for each family with a type of its own (an Inspect), in the order of
// their names; none for the others.
func homeKeys(fams []*Family) map[string][]string {
	var typed []string
	for _, f := range fams {
		if f.Inspect != nil {
			typed = append(typed, f.Name)
		}
	}
	slices.Sort(typed)
	homes := map[string][]string{}
	for i, name := range typed {
		homes[name] = []string{Keys[2*i%10], Keys[(2*i+1)%10]}
	}
	return homes
}

// KeyList returns between lo and hi keys, repeats allowed.
func (g *G) KeyList(lo, hi int) []string {
	out := make([]string, g.Between(lo, hi))
	for i := range out {
		out[i] = g.Key()
	}
	return out
}

// Field returns a hash field (or a set member): mostly from a small
// space, sometimes empty, binary, or longer than the 64 bytes that keep
// a collection in its compact encoding.
func (g *G) Field() string {
	switch n := g.r.IntN(100); {
	case n < 80:
		return "f" + strconv.Itoa(g.r.IntN(12))
	case n < 85:
		return ""
	case n < 90:
		return "f\x00\r\n"
	case n < 95:
		return strconv.Itoa(g.r.IntN(20) - 5)
	case n < 98:
		return g.Pick("1.5", "-0", "01", " 1", "inf", "nan")
	default:
		return "long-field-" + strings.Repeat("x", 60)
	}
}

// interestingValues are values whose parsing commands disagree about.
var interestingValues = []string{
	"", "0", "1", "-1", "10", "42", "-100", "007", "+1", "-0", " 1", "1 ", "1.5", "1e3", "0x10",
	"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
	"abc", "a b", "inf", "-inf", "nan", "\x00", "\x00\xff\r\n", "\r\n", "ünïcode",
}

// Value returns a string value: a small integer, an interesting value,
// random printable or binary bytes, or, rarely, a long string.
func (g *G) Value() string {
	switch n := g.r.IntN(100); {
	case n < 25:
		return strconv.Itoa(g.r.IntN(200) - 50)
	case n < 50:
		return interestingValues[g.r.IntN(len(interestingValues))]
	case n < 80:
		return g.text(g.Between(1, 12))
	case n < 93:
		return g.binary(g.Between(1, 16))
	case n < 99:
		return g.text(g.Between(60, 120))
	default:
		return g.text(g.Between(500, 2000))
	}
}

// Values returns between lo and hi values.
func (g *G) Values(lo, hi int) []string {
	out := make([]string, g.Between(lo, hi))
	for i := range out {
		out[i] = g.Value()
	}
	return out
}

func (g *G) text(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 -_*?[]"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *G) binary(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return string(b)
}

// badInts are arguments that are not 64-bit integers as Redis parses
// them, or are at their edges.
var badInts = []string{
	"", "abc", "1.0", "1.5", " 1", "1 ", "+1", "0x10", "1e3", "-", "--1", "01", "-0", "inf", "nan",
	"9223372036854775808", "-9223372036854775809", "99999999999999999999", "\x00",
}

// edgeInts are valid 64-bit integers at the edges of ranges commands use.
var edgeInts = []string{
	"9223372036854775807", "-9223372036854775808", "9223372036854775806", "-9223372036854775807",
	"2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
}

// Int returns an integer argument (a count, an index, an increment):
// mostly small, sometimes at the edges of 32 and 64 bits, sometimes not
// an integer at all.
func (g *G) Int() string {
	switch n := g.r.IntN(100); {
	case n < 80:
		return strconv.Itoa(g.r.IntN(25) - 10)
	case n < 90:
		return edgeInts[g.r.IntN(len(edgeInts))]
	default:
		return badInts[g.r.IntN(len(badInts))]
	}
}

// Count returns a count argument: mostly small and positive, sometimes
// zero, negative, huge or not a number.
func (g *G) Count() string {
	switch n := g.r.IntN(100); {
	case n < 75:
		return strconv.Itoa(g.r.IntN(6))
	case n < 85:
		return strconv.Itoa(-g.r.IntN(3) - 1)
	case n < 93:
		return edgeInts[g.r.IntN(len(edgeInts))]
	default:
		return badInts[g.r.IntN(len(badInts))]
	}
}

// floatArgs are float arguments at the edges of what Redis's strtold
// accepts.
var floatArgs = []string{
	"0", "-0", "1", "-1", "0.5", "1.5", "-2.25", ".5", "5.", "1e3", "1E-3", "1e308", "1e309", "-1e309",
	"1e-400", "inf", "-inf", "+inf", "INF", "infinity", "nan", "NaN", "-nan", "0x10", " 1", "1 ", "",
	"abc", "1.0.0", "9223372036854775807", "3.0000000000000004", "1e", "e1",
}

// Float returns a float argument: a random finite number or one of
// the edge cases (infinities, NaN, out of range, malformed).
func (g *G) Float() string {
	if g.Percent(50) {
		return strconv.FormatFloat((g.r.Float64()-0.5)*1000, 'f', g.r.IntN(4), 64)
	}
	return floatArgs[g.r.IntN(len(floatArgs))]
}

// RelTTL returns a relative TTL far enough in the future that it never
// expires during a run, in seconds or, when ms, milliseconds. No two
// are equal, and any two differ by more than the time between the
// commands that use them, so that GT and LT compare them the same way
// on both servers whatever the clock says.
func (g *G) RelTTL(ms bool) string {
	g.uniq++
	s := []int64{100_000, 1_000_000, 10_000_000, 100_000_000}[g.r.IntN(4)] + g.uniq
	if ms {
		return strconv.FormatInt(s*1000+int64(g.r.IntN(500)), 10)
	}
	return strconv.FormatInt(s, 10)
}

// AbsTTL returns an absolute expiry time, in unix seconds or, when ms,
// milliseconds: either already past, or after the year 2100.
func (g *G) AbsTTL(ms bool) string {
	var s int64
	if g.Percent(30) {
		s = int64(g.r.IntN(1_500_000_000)) // before 2017: already past
	} else {
		s = 4_102_444_800 + int64(g.r.IntN(3)*86_400*365) // 2100 or later
	}
	if ms {
		return strconv.FormatInt(s*1000+int64(g.r.IntN(3)*500), 10)
	}
	return strconv.FormatInt(s, 10)
}

// badTTLs are expiry arguments that are out of range, not positive or
// not integers: deterministic errors or immediate deletions.
var badTTLs = []string{
	"0", "-1", "-100", "9223372036854775807", "-9223372036854775808", "9223372036854775",
	"9223372036854776", "-9223372036854775", "-9223372036854776", "abc", "", "1.5", " 1",
}

// TTL returns an expiry argument for a relative (or, when abs, an
// absolute) form in seconds or milliseconds: mostly valid and
// deterministic, sometimes invalid.
func (g *G) TTL(ms, abs bool) string {
	switch n := g.r.IntN(100); {
	case n < 12:
		return badTTLs[g.r.IntN(len(badTTLs))]
	case abs:
		return g.AbsTTL(ms)
	default:
		return g.RelTTL(ms)
	}
}

// Case returns s in random upper and lower case, as clients may send
// option names.
func (g *G) Case(s string) string {
	if g.Percent(80) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') && g.Percent(50) {
			b[i] = c ^ 0x20 // flips the case of an ASCII letter
		}
	}
	return string(b)
}

// Pattern returns a glob pattern for KEYS over the key space: exact
// names, wildcards, classes, ranges, escapes and malformed brackets.
func (g *G) Pattern() string {
	pats := []string{
		"*", "k*", "k?", "k[0-4]", "k[4-0]", "k[^0-4]", "k[!0-4]", "[k]", "\\[k]", "k\\*", "k\\?x", "*y",
		"?", "??", "*[", "k[", "k[0-", "[^k]*", "*\\", "", "a b", "a*", "k\x00*", "*\xff", "K*", "k[a-z]*",
		"**", "*?*", "x", "[xy]", "[]", "[a-]", "[-z]*",
	}
	if g.Percent(20) {
		return g.Key()
	}
	return g.Pick(pats...)
}
