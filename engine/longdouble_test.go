package engine

import (
	"strings"
	"testing"
)

// Ensure that long double parsing accepts and refuses what Redis 7.0's
// string2ld does on x86-64, at the edges of the 80-bit format included
// (the expectations come from a real redis-server).
func TestLongDouble_Parse(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"10.5", true}, {"-3.0e3", true}, {"+1.5", true}, {"1.", true}, {".5", true}, {"1e+2", true},
		{"0x10", true}, {"0X1.8p1", true}, {"0x.8", true}, {"inf", true}, {"-INFINITY", true},
		{"-0", true}, {"0e99999999999", true}, {"00012.5000", true},
		{"", false}, {" 1", false}, {"1 ", false}, {"\t1", false}, {"nan", false}, {"NaN(1)", false},
		{"1e", false}, {"1e+", false}, {".", false}, {"0x", false}, {"0x1p", false}, {"1.5.5", false},
		{"1_000", false}, {"abc", false}, {"infinit", false}, {"+ 1", false}, {"--1", false},
		// Subnormals down to 2^-16445; below half of it is an underflow.
		{"3.6e-4951", true}, {"1.83e-4951", true}, {"1.82e-4951", false}, {"1.8e-4951", false}, {"1e-4951", false},
		{"0x1p-16445", true}, {"0x1p-16446", false}, {"0x1.0000001p-16446", true}, {"0x1.8p-16446", true},
		// The largest finite value, and what rounds past it.
		{"1.18973149535723176502e+4932", true}, {"1.18973149535723176505e+4932", true},
		{"1.18973149535723176506e+4932", false}, {"0x1.fffffffffffffffep16383", true},
		{"0x1.ffffffffffffffffp16383", false}, {"1e5000", false}, {"-1e5000", false}, {"1e-5000", false},
		{strings.Repeat("1", 5119), false}, {"0." + strings.Repeat("0", 4000) + "1", true}, {"0." + strings.Repeat("0", 5000) + "1", false},
	} {
		if _, ok := parseLongDouble([]byte(tc.in)); ok != tc.ok {
			t.Errorf("parseLongDouble(%.40q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
	}
}

// Ensure that sums round and print as Redis's INCRBYFLOAT does.
func TestLongDouble_AddAndFormat(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"10.5", "0.1", "10.6"},
		{"3.0e3", "1", "3001"},
		{"0", "0.1", "0.1"},
		{"0.1", "0.2", "0.3"},
		{"5", "-5", "0"},
		{"0", "-1e-18", "0"},
		{"-0", "-0", "0"},
		{"0", "-216.99999999639999999", "-216.99999999639999999"},
		{"9223372036854775807", "1", "9223372036854775808"},
		// Ties at the 17th decimal round to even.
		{"0", "0.000003814697265625", "0.00000381469726562"},
		{"0", "0.000011444091796875", "0.00001144409179688"},
		{"1.0e300", "1.0e300", "2000000000000000000017994648159118387741047888546581495876520164642531293192361871511698304167500994380700745017228549671807185112369345967826192521041497292574654271283687306588168510215212033579453305864740061102765895241989080589545563779241212358535223254194821301134374772211380178849830208012288"},
		{"0", "1e-4950", "0"},
		{"0", "1.18973149535723176502e+4932", "118973149535723176502126385303097020516906332229462420044032" + "*"},
	} {
		a, okA := parseLongDouble([]byte(tc.a))
		b, okB := parseLongDouble([]byte(tc.b))
		if !okA || !okB {
			t.Fatalf("%s + %s: operands do not parse", tc.a, tc.b)
		}
		sum, ok := addLongDouble(a, b)
		if !ok {
			t.Fatalf("%s + %s: not finite", tc.a, tc.b)
		}
		got := string(formatLongDouble(sum))
		if prefix, ok := strings.CutSuffix(tc.want, "*"); ok {
			if !strings.HasPrefix(got, prefix) || len(got) != 4933 {
				t.Errorf("%s + %s = %.70s... (%d digits)", tc.a, tc.b, got, len(got))
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s + %s = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
	for _, tc := range [][2]string{{"1e4932", "1e4932"}, {"inf", "1"}, {"inf", "-inf"}, {"-1.18973149535723176502e+4932", "-1e4913"}} {
		a, _ := parseLongDouble([]byte(tc[0]))
		b, _ := parseLongDouble([]byte(tc[1]))
		if _, ok := addLongDouble(a, b); ok {
			t.Errorf("%s + %s is finite, want an overflow", tc[0], tc[1])
		}
	}
}
