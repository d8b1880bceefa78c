package engine

import (
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
	e.config.mu.RLock()
	p := e.config.byKey[strings.ToLower(name)]
	e.config.mu.RUnlock()
	if p == nil {
		return errf("Unknown option or number of arguments for CONFIG SET - '" + name + "'")
	}
	if p.Set == nil {
		return errf("CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config")
	}
	if err := p.Set(value); err != nil {
		return errf("CONFIG SET failed (possibly related to argument '" + name + "') - " + err.Error())
	}
	return nil
}

func cmdConfig(db *DB, args [][]byte) (Reply, error) {
	e := db.eng
	sub := args[1]
	switch {
	case equalFold(sub, "GET") && len(args) >= 3:
		return configGet(e, args[2:]), nil
	case equalFold(sub, "SET") && len(args) >= 4 && len(args)%2 == 0:
		// Redis 7 checks every name before applying any value.
		seen := map[string]bool{}
		for i := 2; i < len(args); i += 2 {
			name := strings.ToLower(string(args[i]))
			e.config.mu.RLock()
			p := e.config.byKey[name]
			e.config.mu.RUnlock()
			if p == nil {
				return nil, errf(oneLine("Unknown option or number of arguments for CONFIG SET - '" + string(args[i]) + "'"))
			}
			if seen[p.Name] {
				return nil, errf(oneLine("CONFIG SET failed (possibly related to argument '" + string(args[i]) + "') - duplicate parameter"))
			}
			seen[p.Name] = true
		}
		for i := 2; i < len(args); i += 2 {
			if err := e.SetConfig(string(args[i]), string(args[i+1])); err != nil {
				return nil, err
			}
		}
		return OK, nil
	case equalFold(sub, "RESETSTAT") && len(args) == 2:
		e.resetStats()
		return OK, nil
	case equalFold(sub, "HELP") && len(args) == 2:
		return helpReply("CONFIG",
			"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
			"SET <directive> <value>", "    Set the configuration <directive> to <value>.",
			"RESETSTAT", "    Reset statistics reported by the INFO command.",
		), nil
	}
	if equalFold(sub, "GET") || equalFold(sub, "SET") || equalFold(sub, "RESETSTAT") || equalFold(sub, "HELP") {
		return nil, errf("wrong number of arguments for 'config|" + strings.ToLower(string(sub)) + "' command")
	}
	return nil, errSubcommand("CONFIG", sub)
}

// configGet answers CONFIG GET with every directive matching any of the
// glob patterns, each once, as a map.
func configGet(e *Engine, patterns [][]byte) Reply {
	e.config.mu.RLock()
	defer e.config.mu.RUnlock()
	names := make([]string, 0, len(e.config.byKey))
	for name, p := range e.config.byKey {
		if name == p.Name {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := Map{}
	for _, name := range names {
		p := e.config.byKey[name]
		for _, pat := range patterns {
			if matchGlob(pat, []byte(name), true) || (p.Alias != "" && matchGlob(pat, []byte(p.Alias), true)) {
				out = append(out, []byte(name), []byte(p.Get()))
				break
			}
		}
	}
	return out
}
