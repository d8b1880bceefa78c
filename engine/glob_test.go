package engine

import (
	"strings"
	"testing"
)

func TestMatchGlob(t *testing.T) {
	cases := []struct {
		p, s   string
		nocase bool
		want   bool
	}{
		{"h?llo", "hello", false, true},
		{"h*llo", "heeello", false, true},
		{"h[ae]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hbllo", false, true},
		{`a\*b`, "a*b", false, true},
		{`a\*b`, "axb", false, false},
		{"h[a", "ha", false, true},   // an unterminated class ends with the pattern
		{"h[a", "hab", false, false}, // and matches one byte
		{`[\]]`, "]", false, true},
		{"[]", "]", false, false},
		{"HELLO", "hello", true, true},
		{"[A-C]x", "bX", true, true},
		{"", "", false, true},
		{"*", "", false, false}, // Redis matches nothing against an empty key but ""
		{"a*", "a", false, true},
		{"a**b*", "ab", false, true},
		{strings.Repeat("*a", 1000), strings.Repeat("a", 1100), false, true},
		{strings.Repeat("*a", 1001), strings.Repeat("a", 1100), false, false}, // stars nested too deep
	}
	for _, c := range cases {
		if got := matchGlob([]byte(c.p), []byte(c.s), c.nocase); got != c.want {
			t.Errorf("matchGlob(%.30q, %.30q, %v) = %v, want %v", c.p, c.s, c.nocase, got, c.want)
		}
	}
}

// Ensure that a pattern of many stars that cannot match fails fast
// instead of trying every way to split the key among its stars.
func TestMatchGlob_ManyStarsStayPolynomial(t *testing.T) {
	if matchGlob([]byte(strings.Repeat("a*", 40)+"b"), []byte(strings.Repeat("a", 200)), false) {
		t.Fatal("matched a key without b")
	}
}
