package engine

import (
	"crypto/sha256"
	"crypto/subtle"
)

// Authentication. PhotonDB has Redis's default user only: with
// requirepass set, a client must AUTH with that password (or HELLO ...
// AUTH default password) before any command but those flagged NoAuth.

// password is the default user's password and its SHA-256, which is what
// AUTH compares, so the comparison takes the same time whatever the
// guess's length or contents.
type password struct {
	text string
	sum  [sha256.Size]byte
}

func (e *Engine) registerAuth() {
	e.RegisterConfig(Param{
		Name: "requirepass",
		Get: func() string {
			if p := e.pass.Load(); p != nil {
				return p.text
			}
			return ""
		},
		Set: func(v string) error {
			e.setPassword(v)
			return nil
		},
	})
}

// setPassword sets the default user's password, as the requirepass
// directive does; "" removes it. Clients already authenticated stay so.
func (e *Engine) setPassword(pw string) {
	if pw == "" {
		e.pass.Store(nil)
		return
	}
	e.pass.Store(&password{text: pw, sum: sha256.Sum256([]byte(pw))})
}

// RequiresAuth reports whether the default user has a password, so that
// clients must authenticate. Safe for concurrent use.
func (e *Engine) RequiresAuth() bool { return e.pass.Load() != nil }

// authenticate reports whether user and pass are the default user's
// credentials. Without a password the default user takes any, as Redis's
// "nopass" user does; user names are case-sensitive.
func (e *Engine) authenticate(user, pass []byte) bool {
	if string(user) != "default" {
		return false
	}
	p := e.pass.Load()
	if p == nil {
		return true
	}
	sum := sha256.Sum256(pass)
	return subtle.ConstantTimeCompare(sum[:], p.sum[:]) == 1
}

// cmdAuth answers AUTH [username] password. Like Redis it redacts the
// arguments from MONITOR and SLOWLOG before it can fail, except when
// there are too many of them.
func cmdAuth(db *DB, args [][]byte) (Reply, error) {
	if len(args) > 3 {
		return nil, ErrSyntax
	}
	s, e := db.sess, db.eng
	s.redact(1)
	var user, pass []byte
	if len(args) == 2 {
		if !e.RequiresAuth() {
			return nil, ErrNoPassword
		}
		user, pass = []byte("default"), args[1]
	} else {
		s.redact(2)
		user, pass = args[1], args[2]
	}
	if !e.authenticate(user, pass) {
		return nil, ErrWrongPass
	}
	s.authed = true
	return OK, nil
}
