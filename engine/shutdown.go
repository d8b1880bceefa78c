package engine

// cmdShutdown answers SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] by
// asking the process to shut down through Options.Shutdown. Without
// options it saves when save points are configured (the save directive is
// not empty), as Redis does; SAVE saves regardless and NOSAVE never. On success the client gets no reply: its connection closes.
// NOW and FORCE change nothing here, as PhotonDB neither waits for
// replicas nor keeps going after a failed save; there is never a
// shutdown in progress for ABORT to stop.
func cmdShutdown(db *DB, args [][]byte) (Reply, error) {
	var nosave, save, flags, abort bool
	for _, a := range args[1:] {
		switch {
		case equalFold(a, "NOSAVE"):
			nosave, flags = true, true
		case equalFold(a, "SAVE"):
			save, flags = true, true
		case equalFold(a, "NOW"), equalFold(a, "FORCE"):
			flags = true
		case equalFold(a, "ABORT"):
			abort = true
		default:
			return nil, ErrSyntax
		}
	}
	if (abort && flags) || (nosave && save) {
		return nil, ErrSyntax
	}
	if abort {
		return nil, errf("No shutdown in progress.")
	}
	e := db.eng
	if e.opts.Shutdown == nil {
		e.log.Warn("SHUTDOWN refused: this engine has no way to shut down its process")
		return nil, ErrShutdown
	}
	if !nosave && !save && e.snap != nil {
		// As Redis: a plain SHUTDOWN saves only when save points are
		// configured; SAVE saves regardless.
		rules, ok := e.configValue("save")
		save = !ok || rules != ""
	}
	if err := e.opts.Shutdown(save); err != nil {
		e.log.Error("SHUTDOWN failed", "save", save, "err", err)
		return nil, ErrShutdown
	}
	db.sess.quit = true
	return NoReply{}, nil
}
