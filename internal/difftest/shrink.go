package difftest

import (
	"slices"
	"time"
)

// shrink returns a short subsequence of seq that keeps seq[target] and
// for which fails still holds, by delta debugging: remove chunks of the
// other commands, halving the chunk size when no chunk can go, down to
// single commands. fails replays a sequence on fresh servers and is told
// where the target command is in it. ok is false when ShrinkFor ran out
// first.
func (r *Runner) shrink(seq []step, target int, fails func(seq []step, target int) bool) (out []step, at int, ok bool) {
	budget := r.ShrinkFor
	if budget <= 0 {
		budget = 2 * time.Minute
	}
	deadline := time.Now().Add(budget)
	// Candidates are the indexes into seq of the commands kept, target
	// among them.
	build := func(keep []int) ([]step, int) {
		out := make([]step, len(keep))
		for i, k := range keep {
			out[i] = seq[k]
		}
		return out, slices.Index(keep, target)
	}
	tries := 0
	try := func(keep []int) bool {
		tries++
		s, at := build(keep)
		return fails(s, at)
	}
	others := make([]int, 0, len(seq)-1) // the commands that may go
	for i := range seq {
		if i != target {
			others = append(others, i)
		}
	}
	with := func(o []int) []int {
		keep := append(o[:len(o):len(o)], target)
		slices.Sort(keep)
		return keep
	}
	// Most differences need only a few commands, and few need any after
	// the target: try without those first.
	switch {
	case len(others) == 0:
	case try(with(nil)):
		others = nil
	case target < len(seq)-1 && try(with(others[:target])):
		others = others[:target]
	}
	for chunk := (len(others) + 1) / 2; chunk >= 1 && len(others) > 0; {
		removed := false
		for start := 0; start < len(others); {
			if time.Now().After(deadline) {
				r.logf("difftest: shrinking stopped after %v and %d replays at %d commands", budget, tries, len(others)+1)
				s, at := build(with(others))
				return s, at, false
			}
			end := min(start+chunk, len(others))
			cand := append(others[:start:start], others[end:]...)
			if try(with(cand)) {
				others = cand
				removed = true
				continue // the next chunk now starts at start
			}
			start = end
		}
		if !removed || chunk > len(others) {
			if chunk == 1 {
				break
			}
			chunk = (chunk + 1) / 2
		}
	}
	r.logf("difftest: shrunk to %d commands in %d replays", len(others)+1, tries)
	s, at := build(with(others))
	return s, at, true
}
