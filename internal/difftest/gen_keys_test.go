package difftest

import (
	"slices"
	"testing"
)

// Ensure that genSort never stores what Redis sorts in no defined order
// (ALPHA by a pattern, where ties keep a hash table's order), however
// many STORE options it drew.
func TestGenSort_StoresOnlyDefinedOrders(t *testing.T) {
	g := NewG(1)
	for range 200000 {
		args := genSort(g)
		if o := sortOptionsOf(args); o.store && o.alpha && o.byPattern {
			t.Fatalf("genSort made %s, which stores ties in a hash table's order", FormatCommand(args))
		}
	}
}

// Ensure that withoutStore drops every STORE option, with its key, and
// nothing else.
func TestWithoutStore(t *testing.T) {
	cases := []struct{ args, want []string }{
		{[]string{"SORT", "k", "ALPHA", "STORE", "a", "BY", "*->f0"}, []string{"SORT", "k", "ALPHA", "BY", "*->f0"}},
		// Redis stores into the last STORE's key.
		{[]string{"SORT", "k", "ALPHA", "STORE", "a", "store", "b", "BY", "k*"}, []string{"SORT", "k", "ALPHA", "BY", "k*"}},
		{[]string{"SORT", "k", "STORE", "a", "ALPHA", "BY", "k*", "StOrE", "b"}, []string{"SORT", "k", "ALPHA", "BY", "k*"}},
		// A trailing STORE without a key is no option.
		{[]string{"SORT", "k", "ALPHA", "STORE"}, []string{"SORT", "k", "ALPHA", "STORE"}},
		{[]string{"SORT", "STORE"}, []string{"SORT", "STORE"}},
	}
	for _, c := range cases {
		if got := withoutStore(slices.Clone(c.args)); !slices.Equal(got, c.want) {
			t.Errorf("withoutStore(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}
