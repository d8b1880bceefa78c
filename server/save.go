package server

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/photondb/photon/engine"
)

// SaveRule is one of redis.conf's save points: snapshot in the
// background once at least Changes changes were made and more than
// Seconds seconds have passed since the last successful save. The
// original PhotonDB's "every 30 s when something changed" is the rule
// {30, 1}.
type SaveRule struct {
	Seconds int64 // more than this many seconds since the last successful save
	Changes int64 // at least this many changes since then
}

const (
	// saveCheckEvery is how often the schedule looks at the rules, as
	// Redis's serverCron does hz (10) times a second.
	saveCheckEvery = 100 * time.Millisecond
	// saveRetryDelay is Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed
	// background save, the schedule tries again no sooner than this many
	// seconds later, however many rules match.
	saveRetryDelay = 5
)

// SetSave replaces the save rules, for CONFIG SET save; none turns
// scheduled snapshots off.
func (s *Server) SetSave(rules []SaveRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Save = slices.Clone(rules)
}

// SaveRules returns the save rules in force.
func (s *Server) SaveRules() []SaveRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.opts.Save)
}

// saveState is what the schedule remembers between checks, as Redis
// keeps lastbgsave_try and lastbgsave_status.
type saveState struct {
	tryAt   int64 // unix seconds when the schedule last started a save
	failed  bool  // that save failed
	pending bool  // that save has not finished yet
	before  int64 // the engine's LastSave when it started
}

// saveLoop runs the save schedule until the server stops accepting.
func (s *Server) saveLoop() {
	defer s.wg.Done()
	t := time.NewTicker(saveCheckEvery)
	defer t.Stop()
	var st saveState
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.checkSave(now, &st)
		}
	}
}

// checkSave starts the background jobs that are due, as Redis's
// serverCron does: a save when a rule calls for one, then whatever the
// engine has waiting (a scheduled BGSAVE or BGREWRITEAOF, an automatic
// rewrite of the append-only file).
func (s *Server) checkSave(now time.Time, st *saveState) {
	s.checkRules(now, st)
	s.eng.StartDueJobs(now)
}

// checkRules starts a background save when a rule calls for one: not
// while a background job is running, and not within saveRetryDelay
// seconds of a failed save.
func (s *Server) checkRules(now time.Time, st *saveState) {
	if s.eng.Saving() || s.eng.Rewriting() {
		return
	}
	if st.pending {
		// A successful save moves LastSave past the second the save
		// started in: a rule only matches more than a second after the
		// last save, so before < tryAt <= the new LastSave.
		st.pending = false
		st.failed = s.eng.LastSave().Unix() <= st.before
	}
	r, ok := dueRule(s.SaveRules(), s.eng.Dirty(), now.Unix(), s.eng.LastSave().Unix(), st.tryAt, st.failed)
	if !ok {
		return
	}
	s.log.Info(fmt.Sprintf("%d changes in %d seconds. Saving...", r.Changes, r.Seconds))
	st.before, st.tryAt = s.eng.LastSave().Unix(), now.Unix()
	switch err := s.eng.BGSave(); {
	case err == nil:
		st.pending = true
	case errors.Is(err, engine.ErrSaveInProgress), errors.Is(err, engine.ErrRewriteRunning):
		// A client's BGSAVE or BGREWRITEAOF got there first; look again
		// next time.
	default:
		st.failed = true
		s.log.Error("scheduled background save failed", "err", err)
	}
}

// dueRule returns the first rule that calls for a snapshot: enough
// changes, more than its seconds since the last successful save (all
// times in unix seconds), and no failed save in the last saveRetryDelay
// seconds.
func dueRule(rules []SaveRule, dirty, now, lastSave, lastTry int64, lastFailed bool) (SaveRule, bool) {
	if lastFailed && now-lastTry <= saveRetryDelay {
		return SaveRule{}, false
	}
	for _, r := range rules {
		if dirty >= r.Changes && now-lastSave > r.Seconds {
			return r, true
		}
	}
	return SaveRule{}, false
}
