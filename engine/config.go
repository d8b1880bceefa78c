package engine

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Param is one configuration directive that CONFIG GET and CONFIG SET
// reach. Whoever owns the setting registers it: the engine its own,
// main the server's and the files'. Get and Set run while commands run on
// other connections, so what they touch must be safe for that.
type Param struct {
	Name  string             // lower case, as in redis.conf
	Alias string             // an older name Redis also accepts, or ""
	Get   func() string      // the current value as CONFIG GET shows it
	Set   func(string) error // applies a new value; nil when it cannot change at run time
}

// params is the registry of configuration directives.
type params struct {
	mu    sync.RWMutex
	byKey map[string]*Param
}

// RegisterConfig adds directives to CONFIG GET and CONFIG SET. A later
// registration of the same name replaces the earlier one.
func (e *Engine) RegisterConfig(ps ...Param) {
	e.config.mu.Lock()
	defer e.config.mu.Unlock()
	if e.config.byKey == nil {
		e.config.byKey = map[string]*Param{}
	}
	for i := range ps {
		p := ps[i]
		e.config.byKey[p.Name] = &p
		if p.Alias != "" {
			e.config.byKey[p.Alias] = &p
		}
	}
}

// SetConfig applies one directive as CONFIG SET would.
func (e *Engine) SetConfig(name, value string) error {
	p := e.config.lookup([]byte(name))
	if p == nil {
		return errf(oneLine("Unknown option or number of arguments for CONFIG SET - '" + quote([]byte(name)) + "'"))
	}
	if p.Set == nil {
		return errImmutable([]byte(name))
	}
	if err := p.Set(value); err != nil {
		return errSetFailed(p, err)
	}
	return nil
}

// lookup returns the directive named name (or its alias), in any case,
// or nil.
func (c *params) lookup(name []byte) *Param {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byKey[strings.ToLower(string(name))]
}

// errImmutable refuses to set a directive that cannot change at run time,
// quoting its name as the client gave it, as Redis does.
func errImmutable(name []byte) *Error {
	return errf(oneLine("CONFIG SET failed (possibly related to argument '" + quote(name) + "') - can't set immutable config"))
}

// errSetFailed reports a value p refused, naming the directive by its
// own name, as Redis does, whatever case the client wrote it in.
func errSetFailed(p *Param, err error) *Error {
	return errf(oneLine("CONFIG SET failed (possibly related to argument '" + p.Name + "') - " + err.Error()))
}

// cmdConfig answers CONFIG's subcommands; Exec has already checked that
// the subcommand exists and its argument count.
func cmdConfig(db *DB, args [][]byte) (Reply, error) {
	e := db.eng
	switch sub := args[1]; {
	case equalFold(sub, "GET"):
		return configGet(e, args[2:]), nil
	case equalFold(sub, "SET"):
		return configSet(e, args)
	case equalFold(sub, "RESETSTAT"):
		e.resetStats()
		return OK, nil
	}
	return helpReply("CONFIG",
		"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>", "    Set the configuration <directive> to <value>.",
		"RESETSTAT", "    Reset statistics reported by the INFO command.",
		"REWRITE", "    Rewrite the configuration file.",
	), nil
}

// configSet answers CONFIG SET name value [name value ...] as Redis 7.0
// does: all or nothing. It checks every name first and reports the first
// that is unknown, immutable or repeated; then it sets the values in
// turn, and when one is refused puts back the ones it already set.
func configSet(e *Engine, args [][]byte) (Reply, error) {
	if len(args)%2 != 0 {
		return nil, ErrSyntax // a name without a value
	}
	ps := make([]*Param, 0, (len(args)-2)/2)
	for i := 2; i < len(args); i += 2 {
		p := e.config.lookup(args[i])
		switch {
		case p == nil:
			return nil, errf(oneLine("Unknown option or number of arguments for CONFIG SET - '" + quote(args[i]) + "'"))
		case p.Set == nil:
			return nil, errImmutable(args[i])
		case slices.Contains(ps, p):
			return nil, errf(oneLine("CONFIG SET failed (possibly related to argument '" + quote(args[i]) + "') - duplicate parameter"))
		}
		ps = append(ps, p)
	}
	old := make([]string, len(ps))
	for i, p := range ps {
		old[i] = p.Get()
	}
	for i, p := range ps {
		if err := p.Set(string(args[3+2*i])); err != nil {
			e.restoreConfig(ps[:i], old)
			return nil, errSetFailed(p, err)
		}
	}
	return OK, nil
}

// restoreConfig sets ps back to their old values after CONFIG SET failed
// part way. A value a directive showed is one it accepts, so this does
// not fail; if it does, the directive keeps the new value and the log
// says so.
func (e *Engine) restoreConfig(ps []*Param, old []string) {
	for i, p := range ps {
		if err := p.Set(old[i]); err != nil {
			e.log.Error("CONFIG SET could not restore a directive", "directive", p.Name, "value", old[i], "err", err)
		}
	}
}

// configGet answers CONFIG GET as Redis 7.0 does, with a map of every
// directive a pattern names. A pattern without glob characters is a name
// (or an alias) in any case, answered under the name as the client wrote
// it; a glob matches names and aliases, ignoring case, and answers under
// the one it matched. Each name is answered once, whatever its case.
func configGet(e *Engine, patterns [][]byte) Reply {
	e.config.mu.RLock()
	defer e.config.mu.RUnlock()
	out := Map{}
	seen := make(map[string]bool)
	add := func(name string, p *Param) {
		if key := strings.ToLower(name); !seen[key] {
			seen[key] = true
			out = append(out, []byte(name), []byte(p.Get()))
		}
	}
	var names []string // every name and alias, sorted, for the globs
	for _, pat := range patterns {
		// Redis looks for glob characters, and matches, in the pattern
		// as a C string: up to a NUL byte.
		glob := cString(pat)
		if !bytes.ContainsAny(glob, "[*?") {
			if p := e.config.byKey[strings.ToLower(string(pat))]; p != nil {
				add(string(pat), p)
			}
			continue
		}
		if names == nil {
			names = make([]string, 0, len(e.config.byKey))
			for name := range e.config.byKey {
				names = append(names, name)
			}
			sort.Strings(names)
		}
		for _, name := range names {
			if matchGlob(glob, []byte(name), true) {
				add(name, e.config.byKey[name])
			}
		}
	}
	return out
}
