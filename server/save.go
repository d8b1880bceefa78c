package server

import (
	"errors"
	"time"

	"github.com/photondb/photon/engine"
)

// saveLoop snapshots in the background every SaveInterval when data
// changed since the last save.
func (s *Server) saveLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.SaveInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if s.eng.Dirty() > 0 && !s.eng.Saving() {
				if err := s.eng.BGSave(); err != nil && !errors.Is(err, engine.ErrSaveInProgress) {
					s.log.Error("scheduled background save failed", "err", err)
				}
			}
		}
	}
}
