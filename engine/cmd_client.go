package engine

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// cmdClient answers CLIENT's subcommands; Exec has already checked that
// the subcommand exists and its argument count.
func cmdClient(db *DB, args [][]byte) (Reply, error) {
	s, e := db.sess, db.eng
	sub := args[1]
	switch {
	case equalFold(sub, "ID"):
		return s.id, nil
	case equalFold(sub, "GETNAME"):
		if s.view.name == "" {
			return nil, nil
		}
		return []byte(s.view.name), nil
	case equalFold(sub, "SETNAME"):
		if err := s.setName(args[2]); err != nil {
			return nil, err
		}
		return OK, nil
	case equalFold(sub, "SETINFO"):
		return clientSetinfo(s, args[2], args[3])
	case equalFold(sub, "INFO"):
		var b strings.Builder
		e.clientLine(&b, s.row(), s, args)
		return Verbatim(b.String()), nil
	case equalFold(sub, "LIST"):
		return clientList(e, s, args)
	case equalFold(sub, "KILL"):
		return clientKill(e, s, args)
	case equalFold(sub, "UNBLOCK"):
		return clientUnblock(e, args)
	case equalFold(sub, "NO-EVICT"), equalFold(sub, "NO-TOUCH"):
		var on bool
		switch {
		case equalFold(args[2], "ON"):
			on = true
		case equalFold(args[2], "OFF"):
		default:
			return nil, ErrSyntax
		}
		s.mu.Lock()
		if equalFold(sub, "NO-EVICT") {
			s.view.noEvict = on
		} else {
			s.view.noTouch = on
		}
		s.mu.Unlock()
		return OK, nil
	}
	return helpReply("CLIENT",
		"CACHING (YES|NO)", "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
		"GETREDIR", "    Return the client ID we are redirecting to when tracking is enabled.",
		"GETNAME", "    Return the name of the current connection.",
		"ID", "    Return the ID of the current connection.",
		"INFO", "    Return information about the current client connection.",
		"KILL <ip:port>", "    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
		"    * USER <username>", "      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
		"LIST [options ...]", "    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
		"UNPAUSE", "    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
		"SETNAME <name>", "    Assign the name <name> to the current connection.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]", "         [OPTIN] [OPTOUT] [NOLOOP]",
		"    Control server assisted client side caching.",
		"TRACKINGINFO", "    Report tracking status for the current connection.",
		"NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
	), nil
}

// validClientAttr reports whether a client name or library attribute
// keeps CLIENT LIST splittable on spaces: printable ASCII, no space.
func validClientAttr(b []byte) bool {
	for _, c := range b {
		if c < '!' || c > '~' {
			return false
		}
	}
	return true
}

// setName names the client, as CLIENT SETNAME and HELLO SETNAME do; an
// empty name removes it.
func (s *Session) setName(name []byte) error {
	if !validClientAttr(name) {
		return ErrClientName
	}
	s.mu.Lock()
	s.view.name = string(name)
	s.mu.Unlock()
	return nil
}

func clientSetinfo(s *Session, attr, val []byte) (Reply, error) {
	lib := equalFold(attr, "LIB-NAME")
	if !lib && !equalFold(attr, "LIB-VER") {
		return nil, errf(oneLine("Unrecognized option '" + string(attr) + "'"))
	}
	if !validClientAttr(val) {
		return nil, errf(oneLine(string(attr) + " cannot contain spaces, newlines or special characters."))
	}
	s.mu.Lock()
	if lib {
		s.view.libName = string(val)
	} else {
		s.view.libVer = string(val)
	}
	s.mu.Unlock()
	return OK, nil
}

// clientType is a client's type as CLIENT LIST TYPE and CLIENT KILL TYPE
// name it. Every PhotonDB client is normal (a monitor is too, as in
// Redis); there are no replicas or masters.
type clientType int

const (
	typeNormal clientType = iota
	typeReplica
	typePubSub
	typeMaster
)

// parseClientType reads a client type as Redis's getClientTypeByName
// does, with strcasecmp: the name ends at a NUL byte.
func parseClientType(b []byte) (clientType, error) {
	b = cString(b)
	switch {
	case equalFold(b, "NORMAL"):
		return typeNormal, nil
	case equalFold(b, "SLAVE"), equalFold(b, "REPLICA"):
		return typeReplica, nil
	case equalFold(b, "PUBSUB"):
		return typePubSub, nil
	case equalFold(b, "MASTER"):
		return typeMaster, nil
	}
	return 0, errf(oneLine("Unknown client type '" + string(b) + "'"))
}

// clientRow is a copy of what CLIENT LIST shows of one session, taken
// under its lock.
type clientRow struct {
	id          int64
	addr, laddr string
	view        clientView
	created     int64
	last        int64
	monitor     bool
	blocked     bool
	multi       int64 // commands queued since MULTI; -1 outside one
	sub, psub   int64 // channels and patterns subscribed to
	ssub        int64 // shard channels
	kill        func()
}

// row copies the session's CLIENT LIST fields.
func (s *Session) row() clientRow {
	s.mu.Lock()
	r := clientRow{id: s.id, addr: s.conn.Addr, laddr: s.conn.LocalAddr, view: s.view, kill: s.conn.Kill}
	s.mu.Unlock()
	r.created = s.created
	r.last = s.last.Load()
	r.monitor = s.monitor.Load()
	r.blocked = s.blk != nil
	r.multi = s.tx.queued.Load()
	if s.subs.n.Load() > 0 {
		p := &s.eng.pubsub
		p.mu.Lock()
		r.sub, r.psub, r.ssub = int64(len(s.subs.channels)), int64(len(s.subs.patterns)), int64(len(s.subs.shards))
		p.mu.Unlock()
	}
	return r
}

// rows copies every open session's CLIENT LIST fields, in the order
// the clients connected.
func (e *Engine) rows() ([]clientRow, []*Session) {
	e.stats.mu.Lock()
	sessions := make([]*Session, 0, len(e.stats.sessions))
	for s := range e.stats.sessions {
		sessions = append(sessions, s)
	}
	e.stats.mu.Unlock()
	slices.SortFunc(sessions, func(a, b *Session) int { return cmp.Compare(a.id, b.id) })
	rows := make([]clientRow, len(sessions))
	for i, s := range sessions {
		rows[i] = s.row()
	}
	return rows, sessions
}

// wallSecond returns the second of the wall clock, since 1970, at mono
// (a reading of e.mono).
func (e *Engine) wallSecond(mono int64) int64 {
	return (e.base.UnixNano() + mono) / 1e9
}

// clientLine writes one CLIENT LIST line, with Redis 7.0's fields in its
// order (and 7.2's lib-name and lib-ver). What PhotonDB does not track
// per client (buffers, file descriptors) reads as Redis shows it for an
// idle client, or -1 for the descriptor. self is the client asking, with
// args its running command, which CLIENT LIST shows as Redis does.
func (e *Engine) clientLine(b *strings.Builder, r clientRow, self *Session, args [][]byte) {
	now := e.mono()
	argvMem := 0
	if r.id == self.id {
		// The running command is recorded once it is done; show it now.
		for _, a := range args {
			argvMem += len(a)
		}
		if c := lookupBytes(args[0]); c != nil {
			if sub := c.subcommand(args[1]); sub != nil {
				r.last = now/1e6<<16 | int64(sub.call)
			}
		}
	}
	flags := ""
	if r.monitor {
		flags += "O"
	}
	if r.sub+r.psub+r.ssub > 0 {
		flags += "P"
	}
	if r.multi >= 0 {
		flags += "x"
	}
	if r.blocked {
		flags += "b"
	}
	if r.view.noEvict {
		flags += "e"
	}
	if r.view.noTouch {
		flags += "T"
	}
	if flags == "" {
		flags = "N"
	}
	num := func(k string, v int64) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strconv.FormatInt(v, 10))
		b.WriteByte(' ')
	}
	str := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte(' ')
	}
	num("id", r.id)
	str("addr", r.addr)
	str("laddr", r.laddr)
	num("fd", -1)
	str("name", r.view.name)
	// Redis counts whole seconds of the wall clock, so a client created
	// at 0.9 s past a second is 1 s old at 1.0.
	num("age", e.wallSecond(now)-e.wallSecond(r.created))
	num("idle", e.wallSecond(now/1e6*1e6)-e.wallSecond(r.last>>16*1e6))
	str("flags", flags)
	num("db", int64(r.view.db))
	num("sub", r.sub)
	num("psub", r.psub)
	num("ssub", r.ssub)
	num("multi", r.multi)
	str("qbuf", "0")
	str("qbuf-free", "0")
	num("argv-mem", int64(argvMem))
	str("multi-mem", "0")
	str("rbs", "0")
	str("rbp", "0")
	str("obl", "0")
	str("oll", "0")
	str("omem", "0")
	num("tot-mem", int64(argvMem))
	str("events", "r")
	str("cmd", callNames[r.last&0xffff])
	str("user", "default")
	str("redir", "-1")
	num("resp", int64(r.view.proto))
	str("lib-name", r.view.libName)
	b.WriteString("lib-ver=")
	b.WriteString(r.view.libVer)
	b.WriteByte('\n')
}

// clientList answers CLIENT LIST [TYPE type | ID id [id ...]].
func clientList(e *Engine, s *Session, args [][]byte) (Reply, error) {
	typ := clientType(-1)
	var ids []int64
	switch {
	case len(args) == 4 && equalFold(args[2], "TYPE"):
		t, err := parseClientType(args[3])
		if err != nil {
			return nil, err
		}
		typ = t
	case len(args) > 3 && equalFold(args[2], "ID"):
		for _, a := range args[3:] {
			id, ok := parseInt(a)
			if !ok {
				return nil, errf("Invalid client ID")
			}
			ids = append(ids, id)
		}
	case len(args) != 2:
		return nil, ErrSyntax
	}
	rows, _ := e.rows()
	var b strings.Builder
	if ids != nil {
		// Redis lists the clients in the order asked, repeats included.
		for _, id := range ids {
			if i, ok := slices.BinarySearchFunc(rows, id, func(r clientRow, id int64) int { return cmp.Compare(r.id, id) }); ok {
				e.clientLine(&b, rows[i], s, args)
			}
		}
		return Verbatim(b.String()), nil
	}
	for _, r := range rows {
		if typ == -1 || typ == typeNormal {
			e.clientLine(&b, r, s, args)
		}
	}
	return Verbatim(b.String()), nil
}

// clientKill answers CLIENT KILL addr (OK or an error) and CLIENT KILL
// with filters (the number of clients killed). A client that kills
// itself gets its reply, then is closed.
func clientKill(e *Engine, s *Session, args [][]byte) (Reply, error) {
	var addr, laddr []byte
	typ := clientType(-1)
	var id int64
	skipme := true
	if len(args) == 3 {
		addr = args[2]
		skipme = false // with the old form a client can kill itself
	} else {
		for i := 2; i < len(args); i += 2 {
			if i+1 >= len(args) {
				return nil, ErrSyntax
			}
			opt, val := args[i], args[i+1]
			switch {
			case equalFold(opt, "ID"):
				n, ok := parseInt(val)
				if !ok || n < 1 {
					return nil, errf("client-id should be greater than 0")
				}
				id = n
			case equalFold(opt, "TYPE"):
				t, err := parseClientType(val)
				if err != nil {
					return nil, err
				}
				typ = t
			case equalFold(opt, "ADDR"):
				addr = val
			case equalFold(opt, "LADDR"):
				laddr = val
			case equalFold(opt, "USER"):
				if string(val) != "default" {
					return nil, errf(oneLine("No such user '" + quote(val) + "'"))
				}
			case equalFold(opt, "SKIPME"):
				switch {
				case equalFold(val, "YES"):
					skipme = true
				case equalFold(val, "NO"):
					skipme = false
				default:
					return nil, ErrSyntax
				}
			default:
				return nil, ErrSyntax
			}
		}
	}
	rows, sessions := e.rows()
	killed := int64(0)
	var kills []func()
	for i, r := range rows {
		switch {
		case addr != nil && r.addr != string(addr),
			laddr != nil && r.laddr != string(laddr),
			typ != -1 && typ != typeNormal,
			id != 0 && r.id != id,
			sessions[i] == s && skipme:
			continue
		case sessions[i] == s:
			s.quit = true
		case r.kill != nil:
			kills = append(kills, r.kill)
		default:
			continue // a session with no connection to close
		}
		killed++
	}
	for _, kill := range kills {
		kill()
	}
	if len(args) == 3 {
		if killed == 0 {
			return nil, ErrNoSuchClient
		}
		return OK, nil
	}
	return killed, nil
}

// cmdReset answers RESET: the connection returns to its state at
// connect, as Redis's clearClientConnectionState leaves it: database 0,
// RESP2, no name, no MONITOR, and no longer authenticated if a password
// is set. The server clears its own part through ConnInfo.Reset.
func cmdReset(db *DB, args [][]byte) (Reply, error) {
	s, e := db.sess, db.eng
	e.stopMonitor(s)
	s.discard()
	e.unsubscribeAll(s)
	s.db, s.proto = 0, 2
	s.authed = !e.RequiresAuth()
	s.mu.Lock()
	s.view.name = ""
	reset := s.conn.Reset
	s.mu.Unlock()
	if reset != nil {
		reset()
	}
	return Status("RESET"), nil
}

var errUnblockReason = errf("CLIENT UNBLOCK reason should be TIMEOUT or ERROR")

// clientUnblock answers CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when the
// client was waiting on a blocking command, which then answers as on its
// timeout, or with the UNBLOCKED error.
func clientUnblock(e *Engine, args [][]byte) (Reply, error) {
	if len(args) > 4 {
		return nil, errf(oneLine("unknown subcommand or wrong number of arguments for '" + trunc(args[1], 128) + "'. Try CLIENT HELP."))
	}
	id, ok := parseInt(args[2])
	if !ok {
		return nil, ErrNotInteger
	}
	asError := false
	if len(args) == 4 {
		switch {
		case equalFold(args[3], "TIMEOUT"):
		case equalFold(args[3], "ERROR"):
			asError = true
		default:
			return nil, errUnblockReason
		}
	}
	e.stats.mu.Lock()
	var target *Session
	for s := range e.stats.sessions {
		if s.id == id {
			target = s
			break
		}
	}
	e.stats.mu.Unlock()
	if target == nil {
		return zero, nil
	}
	return boolReply(e.unblockLocked(target, asError)), nil
}
