package repl

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/resp"
)

// KeyLister lists, for tab completion, up to max names of keys in
// database db that start with prefix. complete reports whether the list
// holds every such key; a lister that gives up early (to stay quick on a
// large keyspace) says false, and a longer prefix is then listed anew.
type KeyLister func(db int, prefix string, max int) (keys []string, complete bool, err error)

// Limits of key completion. A Tab waits at most tabWait for a listing; a
// listing that takes longer goes on in the background and serves the
// next Tab. Listings are reused for listTTL.
const (
	maxKeyCandidates = 200
	tabWait          = 150 * time.Millisecond
	listTTL          = 5 * time.Second
	maxCachedLists   = 64
)

// keyFinder answers the completion of key names from a KeyLister,
// without ever making Tab wait long: listings are cached, a complete
// listing for a prefix answers every longer prefix, and only one listing
// per database and prefix runs at a time.
type keyFinder struct {
	list KeyLister
	now  func() time.Time
	wait time.Duration

	mu    sync.Mutex
	lists map[listKey]*keyList
}

// listKey names a cached listing.
type listKey struct {
	db     int
	prefix string
}

// keyList is one listing, running until done is closed.
type keyList struct {
	done     chan struct{}
	at       time.Time // when it started
	keys     []string  // sorted; set before done is closed
	complete bool
	failed   bool
}

// newKeyFinder returns a keyFinder over list.
func newKeyFinder(list KeyLister) *keyFinder {
	return &keyFinder{list: list, now: time.Now, wait: tabWait, lists: map[listKey]*keyList{}}
}

// find returns the names of keys of database db that start with prefix,
// sorted, or nil when none are known within the wait.
func (f *keyFinder) find(db int, prefix string) []string {
	f.mu.Lock()
	now := f.now()
	for k, l := range f.lists {
		if now.Sub(l.at) > listTTL {
			delete(f.lists, k)
		}
	}
	for k, l := range f.lists {
		if k.db == db && strings.HasPrefix(prefix, k.prefix) && isDone(l) && l.complete {
			f.mu.Unlock()
			return withPrefix(l.keys, prefix)
		}
	}
	l := f.lists[listKey{db, prefix}]
	if l == nil {
		if len(f.lists) >= maxCachedLists {
			clear(f.lists)
		}
		l = &keyList{done: make(chan struct{}), at: now}
		f.lists[listKey{db, prefix}] = l
		go f.fill(l, db, prefix)
	}
	f.mu.Unlock()
	select {
	case <-l.done:
	case <-time.After(f.wait):
		return nil
	}
	return withPrefix(l.keys, prefix)
}

// fill runs one listing.
func (f *keyFinder) fill(l *keyList, db int, prefix string) {
	keys, complete, err := f.list(db, prefix, maxKeyCandidates)
	slices.Sort(keys)
	l.keys, l.complete, l.failed = slices.Compact(keys), complete && err == nil, err != nil
	close(l.done)
	if err != nil {
		// Forget a failure, so that the next Tab tries again.
		f.mu.Lock()
		if f.lists[listKey{db, prefix}] == l {
			delete(f.lists, listKey{db, prefix})
		}
		f.mu.Unlock()
	}
}

// isDone reports whether a listing has finished.
func isDone(l *keyList) bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// withPrefix returns the keys that start with prefix.
func withPrefix(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// Limits of one SCAN listing: it stops after scanWalk has passed or
// scanRounds SCAN calls, whichever comes first.
const (
	scanWalk   = time.Second
	scanRounds = 50
	scanCount  = "1000"
)

// aux is a connection of the session's own, beside the one that runs
// commands, for the questions completion asks the server: SCAN for key
// names and CONFIG GET * for directive names. It is dialled when first
// needed and dialled again after a failure. One question runs at a time.
type aux struct {
	open func(db int) (*client.Client, error) // dials and introduces a connection, selecting db
	now  func() time.Time

	mu sync.Mutex // held for a whole question
	c  *client.Client
	db int // selected on c

	cmu    sync.Mutex // guards c for close, which may come during a question
	closed bool
}

// errClosed is returned by aux after close.
var errClosed = errors.New("closed")

// conn returns the connection, dialled and on database db.
func (a *aux) conn(db int) (*client.Client, error) {
	a.cmu.Lock()
	closed := a.closed
	a.cmu.Unlock()
	if closed {
		return nil, errClosed
	}
	if a.c == nil {
		c, err := a.open(db)
		if err != nil {
			return nil, err
		}
		a.cmu.Lock()
		if a.closed {
			a.cmu.Unlock()
			c.Close()
			return nil, errClosed
		}
		a.c, a.db = c, db
		a.cmu.Unlock()
	}
	if a.db != db {
		v, err := a.c.Do("SELECT", strconv.Itoa(db))
		if err != nil {
			a.drop()
			return nil, err
		}
		if v.Kind == resp.Error {
			return nil, errors.New(string(v.Str))
		}
		a.db = db
	}
	return a.c, nil
}

// drop closes a connection that failed; the next question dials again.
func (a *aux) drop() {
	a.cmu.Lock()
	if a.c != nil {
		a.c.Close()
		a.c = nil
	}
	a.cmu.Unlock()
}

// close closes the connection for good, interrupting a question.
func (a *aux) close() {
	a.cmu.Lock()
	a.closed = true
	if a.c != nil {
		a.c.Close()
	}
	a.cmu.Unlock()
}

// scan is a KeyLister that walks the keyspace with SCAN ... MATCH
// prefix*, within the limits above.
func (a *aux) scan(db int, prefix string, max int) ([]string, bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.conn(db)
	if err != nil {
		return nil, false, err
	}
	pattern := globEscape(prefix) + "*"
	deadline := a.now().Add(scanWalk)
	var keys []string
	cursor := "0"
	for round := 0; ; round++ {
		v, err := c.Do("SCAN", cursor, "MATCH", pattern, "COUNT", scanCount)
		if err != nil {
			a.drop()
			return keys, false, err
		}
		if v.Kind == resp.Error {
			return keys, false, errors.New(string(v.Str))
		}
		if (v.Kind != resp.Array && v.Kind != resp.Push) || len(v.Elems) != 2 {
			return keys, false, errors.New("SCAN: unexpected reply " + v.String())
		}
		cursor = string(v.Elems[0].Str)
		for _, k := range v.Elems[1].Elems {
			keys = append(keys, string(k.Str))
		}
		switch {
		case cursor == "0":
			return keys, true, nil
		case len(keys) >= max, round+1 >= scanRounds, a.now().After(deadline):
			return keys, false, nil
		}
	}
}

// configNames returns the names of the server's configuration
// directives, from CONFIG GET *.
func (a *aux) configNames(db int) ([]string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.conn(db)
	if err != nil {
		return nil, err
	}
	v, err := c.Do("CONFIG", "GET", "*")
	if err != nil {
		a.drop()
		return nil, err
	}
	if v.Kind == resp.Error {
		return nil, errors.New(string(v.Str))
	}
	var names []string
	for i := 0; i+1 < len(v.Elems); i += 2 { // RESP2 pairs and RESP3 maps alike
		names = append(names, string(v.Elems[i].Str))
	}
	slices.Sort(names)
	return names, nil
}

// globEscape escapes the characters a glob pattern gives a meaning to.
func globEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// configNameCache holds the directive names once CONFIG GET * answered,
// asking again (in the background) when it has not.
type configNameCache struct {
	fetch func() ([]string, error)
	wait  time.Duration

	mu      sync.Mutex
	names   []string
	running chan struct{} // non-nil while a fetch runs
}

// get returns the names, waiting at most c.wait for them.
func (c *configNameCache) get() []string {
	c.mu.Lock()
	if c.names != nil {
		defer c.mu.Unlock()
		return c.names
	}
	running := c.running
	if running == nil {
		running = make(chan struct{})
		c.running = running
		go func() {
			names, err := c.fetch()
			c.mu.Lock()
			if err == nil {
				c.names = names
			}
			c.running = nil
			c.mu.Unlock()
			close(running)
		}()
	}
	c.mu.Unlock()
	select {
	case <-running:
	case <-time.After(c.wait):
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.names
}
