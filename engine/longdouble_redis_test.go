package engine

import (
	"strings"
	"testing"
)

// Ensure that numbers read and print as Redis 7.0's string2ld and
// ld2string (LD_STR_HUMAN) do on x86-64; the wants come from a real
// redis-server's HINCRBYFLOAT on a new field.
func TestLongDouble_RedisDigits(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0.1", "0.1"},
		{"-0.1", "-0.1"},
		{"10.5", "10.5"},
		{"5.0e3", "5000"},
		{"1e-17", "0.00000000000000001"},
		{"5e-18", "0"},
		{"1.5e-17", "0.00000000000000002"},
		{"2.5e-17", "0.00000000000000002"},
		{"1e20", "100000000000000000000"},
		{"123.456e-2", "1.23456"},
		{"1.23456789012345678901234", "1.23456789012345679"},
		{"+.5", "0.5"},
		{"5.", "5"},
		{"0x1p-1", "0.5"},
		{"0x1P+64", "18446744073709551616"},
		{"-0x1.8p1", "-3"},
		{"-0", "0"},
		{"3.6e-4951", "0"},
		{"1e-4950", "0"},
		{"0e99999999999999999999", "0"},
		{"1\x00junk", ""}, // string2ld wants strtold to take every byte
		{"\x00", ""},
		{"inf", "inf"},
		{"-Infinity", "-inf"},
		{"1.1897314953572317651e4932", ""},
		{"1.8e-4951", ""},
		{"1e-5000", ""},
		{"1e5000", ""},
		{"nan", ""},
		{"NaN", ""},
		{"infin", ""},
		{" 1", ""},
		{"1 ", ""},
		{"\t1", ""},
		{"1e", ""},
		{"1e+", ""},
		{"0x", ""},
		{"0x1p", ""},
		{"0xg", ""},
		{".", ""},
		{"+", ""},
		{"-", ""},
		{"1.2.3", ""},
		{"1_000", ""},
		{"1,5", ""},
		{"abc", ""},
		{"", ""},
		{strings.Repeat("1", ldMaxChars), ""},
	}
	for _, c := range cases {
		x, ok := parseLongDouble([]byte(c.in))
		got := ""
		switch {
		case ok && x.IsInf() && x.Signbit():
			got = "-inf"
		case ok && x.IsInf():
			got = "inf"
		case ok:
			got = string(formatLongDouble(x))
		}
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
	// The largest number of the format prints with all its 4933 digits.
	x, ok := parseLongDouble([]byte("1.1897314953572317650e4932"))
	got := string(formatLongDouble(x))
	if !ok || len(got) != 4933 || !strings.HasPrefix(got, "118973149535723176502126385303097020516906332229462420044032") ||
		!strings.HasSuffix(got, "1762345960769508849149662444156604419552086811989770240") {
		t.Errorf("largest number: ok %v, %d digits %.20s...", ok, len(got), got)
	}
}

// Ensure that sums round to the format's 64-bit significand, as x87
// arithmetic does, and fail past its largest number.
func TestLongDouble_RedisSums(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"0.1", "0.2", "0.3"},
		{"10.5", "0.1", "10.6"},
		{"18446744073709551615", "0.5", "18446744073709551616"},
		{"1e308", "1e308", "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096"},
		{"1.1e4932", "1e4931", "inf"},
		{"-1.1e4932", "-1e4931", "-inf"},
		{"5", "-5", "0"},
	}
	for _, c := range cases {
		a, _ := parseLongDouble([]byte(c.a))
		b, _ := parseLongDouble([]byte(c.b))
		sum, ok := addLongDouble(a, b)
		got := "inf" // HINCRBYFLOAT's overflow error
		if ok {
			got = string(formatLongDouble(sum))
		}
		if got != c.want && !(c.want == "-inf" && got == "inf") {
			t.Errorf("%s + %s = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}
