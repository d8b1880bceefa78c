package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
	"github.com/photondb/photon/repl"
	"github.com/photondb/photon/server"
)

// settings is serve's configuration. It starts from the defaults; a
// config file, then PHOTON_* variables and flags, change it; once the
// server runs, CONFIG GET reads it and CONFIG SET changes what may change
// at run time.
type settings struct {
	bind          []string // addresses to listen on; a leading "-" marks one that may be absent
	port          int      // 0: a free port, or no plain TCP when tlsPort is set
	dir           string
	dbfilename    string
	save          []server.SaveRule
	protectedMode bool
	maxclients    int64
	timeout       int64 // seconds
	tlsPort       int
	tlsCertFile   string
	tlsKeyFile    string
	tlsCACertFile string
	loglevel      string
	queryBuffer   int64 // client-query-buffer-limit
	maxBulk       int64 // proto-max-bulk-len
	outputLimits  [3]bufferLimit
	databases     int
	ioThreads     int

	appendonly       bool
	appendfilename   string
	appendfsync      persist.Fsync
	aofRewritePerc   int64 // auto-aof-rewrite-percentage
	aofRewriteMin    int64 // auto-aof-rewrite-min-size
	aofLoadTruncated bool
	aofPreamble      bool // aof-use-rdb-preamble
	skipUnsupported  bool // start without the keys of a Redis file photon has no type for

	// engineLines are directives the engine registers itself
	// (requirepass, slowlog-*), applied once the engine exists.
	engineLines []engineLine
	fileSaved   bool // a save line of the config file replaced the default rules
}

// bufferLimit is one class of client-output-buffer-limit.
type bufferLimit struct{ hard, soft, seconds int64 }

// The client classes of client-output-buffer-limit, in CONFIG GET's order.
var bufferClasses = [3]string{"normal", "slave", "pubsub"}

// engineLine is a directive for the engine's own registry, and where it
// came from, for the error message.
type engineLine struct {
	where string // "photon.conf:3" or "--requirepass"
	name  string
	value string
}

func defaultSettings() settings {
	return settings{
		bind:          []string{"127.0.0.1"},
		port:          6379,
		dir:           ".",
		dbfilename:    "photon.rdb",
		save:          []server.SaveRule{{Seconds: 30, Changes: 1}},
		protectedMode: true,
		maxclients:    server.DefaultMaxClients,
		loglevel:      "notice",
		queryBuffer:   server.DefaultMaxQueryBuffer,
		maxBulk:       server.DefaultMaxBulk,
		outputLimits:  [3]bufferLimit{{}, {256 << 20, 64 << 20, 60}, {32 << 20, 8 << 20, 60}},
		databases:     16,
		ioThreads:     1,

		appendfilename:   "appendonly.aof",
		appendfsync:      persist.FsyncEverysec,
		aofRewritePerc:   100,
		aofRewriteMin:    64 << 20,
		aofLoadTruncated: true,
		aofPreamble:      true,
	}
}

// source says where a value comes from; a few directives read
// differently from each.
type source int

const (
	fromFile      source = iota // a line of the config file
	fromFlag                    // a flag or PHOTON_* variable
	fromConfigSet               // CONFIG SET, strictly as Redis reads it
)

// directive is one setting of serve: a redis.conf line, a flag with its
// PHOTON_* variable, and a CONFIG GET/SET parameter.
type directive struct {
	name  string
	usage string
	def   string // the default as help shows it, when not get's
	multi bool   // takes several arguments; one argument is split as a redis.conf line
	set   func(s *settings, args []string, from source) error
	get   func(s *settings) string
	// live applies a changed value to the running server; nil when the
	// setting cannot change at run time. When it fails, the old value
	// stays.
	live func(s *settings, r *running) error
	// own marks photon's own directives, which Redis lacks: they are
	// read at start only, and CONFIG GET and SET do not know them.
	own bool
}

// running is what CONFIG SET changes in a running server.
type running struct {
	srv   *server.Server
	level *slog.LevelVar
	eng   *engine.Engine
	aof   *persist.AOF
	log   *slog.Logger
	procs *procs
}

// procs decides GOMAXPROCS: the io-threads that run clients' commands,
// one more while a background save or rewrite runs, as Redis's forked
// child gets a core, so that clients do not wait behind it, and one more
// while the append-only file is synced before every reply (appendfsync
// always). A goroutine blocked in fdatasync keeps its thread's P until
// the runtime's monitor takes it back, which with one P and a busy
// server took up to 10 ms a sync: measured with redis-benchmark -t set
// -c 50 -P 1 under always, io-threads 1 answered 5,274-23,201 SET/s with
// a p99 up to 144 ms, and one more P 26,109-26,525 SET/s with a p99 of
// 4.9-6.3 ms (redis-server: 20,202-36,363 SET/s) (BENCHMARKS.md). The
// extra P mostly waits in the system call rather than running Go code.
type procs struct {
	mu         sync.Mutex
	threads    int  // io-threads
	background int  // background jobs running
	syncing    bool // appendonly yes with appendfsync always
}

// apply sets GOMAXPROCS from the counts. The caller holds p.mu.
func (p *procs) apply() {
	n := p.threads + p.background
	if p.syncing {
		n++
	}
	runtime.GOMAXPROCS(n)
}

// setBackground counts a background job starting or ending.
func (p *procs) setBackground(running bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if running {
		p.background++
	} else {
		p.background--
	}
	p.apply()
}

// setSyncing records whether writes wait for fdatasync.
func (p *procs) setSyncing(appendonly bool, fsync persist.Fsync) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.syncing = appendonly && fsync == persist.FsyncAlways
	p.apply()
}

// setAppendOnly turns the append-only file on or off, for CONFIG SET
// appendonly. Turning it on, as in Redis, waits for a rewrite that
// creates the file from the data as it is then; the schedule starts it
// as soon as no background save runs.
func (r *running) setAppendOnly(on bool) error {
	if on == r.aof.Status().Enabled {
		return nil
	}
	if !on {
		if err := r.aof.Disable(); err != nil {
			r.log.Error("turning the append-only file off", "err", err)
		}
		return nil
	}
	if err := r.aof.Enable(); err != nil {
		r.log.Error("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation", "file", r.aof.Path(), "err", err)
		return errors.New("Unable to turn on AOF. Check server logs.")
	}
	r.eng.ScheduleAOFRewrite()
	return nil
}

// engineDirectives are the engine's own settings that serve also takes
// as flags; a config file may name any directive the engine registers.
var engineDirectives = []struct{ name, usage string }{
	{"requirepass", "password clients must give with AUTH (empty: none)"},
	{"slowlog-log-slower-than", "log commands slower than this many microseconds in SLOWLOG (negative: none, 0: all)"},
	{"slowlog-max-len", "how many entries SLOWLOG keeps"},
	{"stop-writes-on-bgsave-error", "yes: after a failed background save, refuse writes (MISCONF) until a save succeeds"},
	// Memory: engine/memory.go.
	{"maxmemory", "memory limit for the data, in bytes or with a unit (100mb, 1gb); 0 is none"},
	{"maxmemory-policy", "what to evict at maxmemory: noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl"},
	{"maxmemory-samples", "keys sampled for each eviction"},
	{"lfu-log-factor", "how slowly the LFU counter grows with accesses"},
	{"lfu-decay-time", "minutes after which an LFU counter not accessed decreases by one (0: never)"},
}

// directives lists serve's own settings, in the order of photon.conf.example.
var directives = []directive{
	{
		name: "bind", multi: true,
		usage: `addresses to listen on, space-separated; "-" before one makes it optional, "*" is every IPv4 address, "::*" every IPv6 one`,
		set: func(s *settings, args []string, _ source) error {
			if len(args) == 0 || (len(args) == 1 && args[0] == "") {
				return errors.New("at least one address is needed")
			}
			if len(args) > 16 {
				return errors.New("Too many bind addresses specified.")
			}
			for _, a := range args {
				host := strings.TrimPrefix(a, "-")
				if net.ParseIP(host) == nil && host != "*" && host != "::*" && host != "localhost" {
					return fmt.Errorf("%q is not an IP address, *, ::* or localhost", a)
				}
			}
			s.bind = slices.Clone(args)
			return nil
		},
		get: func(s *settings) string { return strings.Join(s.bind, " ") },
	},
	{
		name:  "port",
		usage: "TCP port; 0 picks a free one, or, with --tls-port, means TLS only",
		set:   intSetter(0, 65535, func(s *settings, n int64) { s.port = int(n) }),
		get:   func(s *settings) string { return strconv.Itoa(s.port) },
	},
	{
		name:  "dir",
		usage: "directory of the snapshot and append-only files",
		def:   ".",
		set: func(s *settings, args []string, _ source) error {
			fi, err := os.Stat(args[0])
			if err != nil {
				var pe *os.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				return err
			}
			if !fi.IsDir() {
				return errors.New("not a directory")
			}
			s.dir = args[0]
			return nil
		},
		get: func(s *settings) string {
			if abs, err := filepath.Abs(s.dir); err == nil {
				return abs
			}
			return s.dir
		},
	},
	{
		name:  "dbfilename",
		usage: "snapshot file name, in --dir",
		set: func(s *settings, args []string, _ source) error {
			if strings.ContainsRune(args[0], '/') || args[0] == "" {
				return errors.New("dbfilename can't be a path, just a filename")
			}
			s.dbfilename = args[0]
			return nil
		},
		get: func(s *settings) string { return s.dbfilename },
	},
	{
		name: "save", multi: true,
		usage: `snapshot rules: "<seconds> <changes> ..." as redis.conf (snapshot when at least <changes> changes are older than <seconds>), ` +
			`a duration such as 30s for "30 1", or "" or 0 for no snapshots, nor a save on SIGINT or SIGTERM`,
		set: setSave,
		get: func(s *settings) string { return formatSave(s.save) },
		live: func(s *settings, r *running) error {
			r.srv.SetSave(s.save)
			return nil
		},
	},
	{
		name:  "protected-mode",
		usage: "yes: while there is no password, refuse clients that are not on loopback",
		set:   boolSetter(func(s *settings, v bool) { s.protectedMode = v }),
		get:   func(s *settings) string { return yesNo(s.protectedMode) },
		live:  func(s *settings, r *running) error { r.srv.SetProtectedMode(s.protectedMode); return nil },
	},
	{
		name:  "maxclients",
		usage: "most clients connected at once; more are refused",
		set: func(s *settings, args []string, from source) error {
			n, err := parseInt(args[0], 1, math.MaxUint32)
			if err != nil {
				return err
			}
			if from == fromConfigSet {
				if fit := maxClientsFit(n); fit < n {
					return fmt.Errorf("The operating system is not able to handle the specified number of clients, try with %d", fit)
				}
			}
			s.maxclients = n
			return nil
		},
		get:  func(s *settings) string { return strconv.FormatInt(s.maxclients, 10) },
		live: func(s *settings, r *running) error { r.srv.SetMaxClients(int(s.maxclients)); return nil },
	},
	{
		name:  "timeout",
		usage: "close a client idle for this many seconds (0: never)",
		set:   intSetter(0, math.MaxInt32, func(s *settings, n int64) { s.timeout = n }),
		get:   func(s *settings) string { return strconv.FormatInt(s.timeout, 10) },
		live: func(s *settings, r *running) error {
			r.srv.SetTimeout(time.Duration(s.timeout) * time.Second)
			return nil
		},
	},
	{
		name:  "tls-port",
		usage: "TLS port, besides --port (0: no TLS)",
		set:   intSetter(0, 65535, func(s *settings, n int64) { s.tlsPort = int(n) }),
		get:   func(s *settings) string { return strconv.Itoa(s.tlsPort) },
	},
	{
		name:  "tls-cert-file",
		usage: "the server's PEM certificate, for --tls-port",
		set:   func(s *settings, args []string, _ source) error { s.tlsCertFile = args[0]; return nil },
		get:   func(s *settings) string { return s.tlsCertFile },
	},
	{
		name:  "tls-key-file",
		usage: "the PEM private key of --tls-cert-file",
		set:   func(s *settings, args []string, _ source) error { s.tlsKeyFile = args[0]; return nil },
		get:   func(s *settings) string { return s.tlsKeyFile },
	},
	{
		name:  "tls-ca-cert-file",
		usage: "PEM CA certificates; when set, TLS clients must present a certificate one of them signed",
		set:   func(s *settings, args []string, _ source) error { s.tlsCACertFile = args[0]; return nil },
		get:   func(s *settings) string { return s.tlsCACertFile },
	},
	{
		name:  "loglevel",
		usage: "debug, verbose, notice or warning",
		set: func(s *settings, args []string, _ source) error {
			v := strings.ToLower(args[0])
			if _, ok := logLevels[v]; !ok {
				return errors.New("argument(s) must be one of the following: debug, verbose, notice, warning")
			}
			s.loglevel = v
			return nil
		},
		get:  func(s *settings) string { return s.loglevel },
		live: func(s *settings, r *running) error { r.level.Set(logLevels[s.loglevel]); return nil },
	},
	{
		name:  "client-query-buffer-limit",
		usage: "close a client whose unread input grows beyond this (memory units: 1gb, 512mb, 100k)",
		def:   "1gb",
		set:   memSetter(1<<20, math.MaxInt64, func(s *settings, n int64) { s.queryBuffer = n }),
		get:   func(s *settings) string { return strconv.FormatInt(s.queryBuffer, 10) },
	},
	{
		name:  "proto-max-bulk-len",
		usage: "longest bulk string a client may send (memory units)",
		def:   "512mb",
		set:   memSetter(1<<20, math.MaxInt64, func(s *settings, n int64) { s.maxBulk = n }),
		get:   func(s *settings) string { return strconv.FormatInt(s.maxBulk, 10) },
	},
	{
		name: "client-output-buffer-limit", multi: true,
		usage: `"<class> <hard> <soft> <seconds> ..." as redis.conf; the normal class's hard limit caps the replies waiting for a client (0: the server's default cap); the pubsub class, hard and soft, a subscriber's waiting messages`,
		def:   "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60",
		set:   setOutputLimits,
		get: func(s *settings) string {
			var parts []string
			for i, l := range s.outputLimits {
				parts = append(parts, fmt.Sprintf("%s %d %d %d", bufferClasses[i], l.hard, l.soft, l.seconds))
			}
			return strings.Join(parts, " ")
		},
		live: func(s *settings, r *running) error {
			r.srv.SetOutputBufferLimit(s.outputLimits[0].hard)
			p := s.outputLimits[2]
			r.srv.SetPubSubLimit(server.BufferLimit{Hard: p.hard, Soft: p.soft, Seconds: p.seconds})
			return nil
		},
	},
	{
		name: "io-threads",
		usage: "threads that run clients' commands (GOMAXPROCS), and event loops serving plain TCP clients; Redis's default, 1, " +
			"leaves the other cores to the clients and to background saves, which get one more thread while they run",
		def: "1",
		set: intSetter(1, 128, func(s *settings, n int64) { s.ioThreads = int(n) }),
		get: func(s *settings) string { return strconv.Itoa(s.ioThreads) },
	},
	{
		name:  "databases",
		usage: "number of databases, 0 to N-1 for SELECT",
		set:   intSetter(1, math.MaxInt32, func(s *settings, n int64) { s.databases = int(n) }),
		get:   func(s *settings) string { return strconv.Itoa(s.databases) },
	},
	{
		name: "appendonly",
		usage: "yes: log every write to the append-only file (--appendfilename in --dir), and at start load it " +
			"rather than the snapshot; turned on at run time, it is first rewritten from the data",
		set: boolSetter(func(s *settings, v bool) { s.appendonly = v }),
		get: func(s *settings) string { return yesNo(s.appendonly) },
		live: func(s *settings, r *running) error {
			if err := r.setAppendOnly(s.appendonly); err != nil {
				return err
			}
			r.procs.setSyncing(s.appendonly, s.appendfsync)
			return nil
		},
	},
	{
		name:  "appendfilename",
		usage: "append-only file name, in --dir",
		set: func(s *settings, args []string, _ source) error {
			if strings.ContainsRune(args[0], '/') || args[0] == "" {
				return errors.New("appendfilename can't be a path, just a filename")
			}
			s.appendfilename = args[0]
			return nil
		},
		get: func(s *settings) string { return s.appendfilename },
	},
	{
		name: "appendfsync",
		usage: "when the append-only file is synced to disk: always (before a write is acknowledged), " +
			"everysec (at most a second of writes lost) or no (when the system flushes)",
		set: func(s *settings, args []string, _ source) error {
			f, err := persist.ParseFsync(args[0])
			if err == nil {
				s.appendfsync = f
			}
			return err
		},
		get: func(s *settings) string { return s.appendfsync.String() },
		live: func(s *settings, r *running) error {
			r.aof.SetFsync(s.appendfsync)
			r.procs.setSyncing(s.appendonly, s.appendfsync)
			return nil
		},
	},
	{
		name:  "auto-aof-rewrite-percentage",
		usage: "rewrite the append-only file when it has grown by this many percent since the last rewrite (0: never)",
		set:   intSetter(0, math.MaxInt32, func(s *settings, n int64) { s.aofRewritePerc = n }),
		get:   func(s *settings) string { return strconv.FormatInt(s.aofRewritePerc, 10) },
		live: func(s *settings, r *running) error {
			r.aof.SetAutoRewrite(s.aofRewritePerc, s.aofRewriteMin)
			return nil
		},
	},
	{
		name:  "auto-aof-rewrite-min-size",
		usage: "no automatic rewrite while the append-only file is smaller than this (memory units)",
		def:   "64mb",
		set:   memSetter(0, math.MaxInt64, func(s *settings, n int64) { s.aofRewriteMin = n }),
		get:   func(s *settings) string { return strconv.FormatInt(s.aofRewriteMin, 10) },
		live: func(s *settings, r *running) error {
			r.aof.SetAutoRewrite(s.aofRewritePerc, s.aofRewriteMin)
			return nil
		},
	},
	{
		name:  "aof-load-truncated",
		usage: "yes: an append-only file that ends inside a command (a crash mid-write) is cut back to the last whole command and loaded; no: refuse to start",
		set:   boolSetter(func(s *settings, v bool) { s.aofLoadTruncated = v }),
		get:   func(s *settings) string { return yesNo(s.aofLoadTruncated) },
		live:  func(s *settings, r *running) error { r.aof.SetLoadTruncated(s.aofLoadTruncated); return nil },
	},
	{
		name:  "aof-use-rdb-preamble",
		usage: "yes: a rewrite writes the data as an RDB snapshot at the head of the append-only file (smaller, faster to load); no: as commands",
		set:   boolSetter(func(s *settings, v bool) { s.aofPreamble = v }),
		get:   func(s *settings) string { return yesNo(s.aofPreamble) },
		live:  func(s *settings, r *running) error { r.aof.SetPreamble(s.aofPreamble); return nil },
	},
	{
		name: "skip-unsupported", own: true,
		usage: "yes: start from a Redis file holding keys photon has no type for (streams, modules, hashes with " +
			"field expiry, function libraries) without them, logging each; no: refuse to start, naming the first",
		set: boolSetter(func(s *settings, v bool) { s.skipUnsupported = v }),
		get: func(s *settings) string { return yesNo(s.skipUnsupported) },
	},
}

func lookupDirective(name string) *directive {
	for i := range directives {
		if directives[i].name == name {
			return &directives[i]
		}
	}
	return nil
}

// envName is the PHOTON_* variable of a directive's flag.
func envName(name string) string {
	return "PHOTON_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// serveFlags are serve's flags: one per directive, each with its PHOTON_*
// variable. They are strings, read by the same code as the config file.
func serveFlags() []cli.Flag {
	def := defaultSettings()
	var flags []cli.Flag
	for _, d := range directives {
		text := d.def
		if text == "" {
			text = d.get(&def)
		}
		flags = append(flags, &cli.StringFlag{Name: d.name, Usage: d.usage, DefaultText: text, EnvVars: []string{envName(d.name)}})
	}
	// The engine's defaults, from the engine.
	probe := engine.New(engine.Options{})
	sess := probe.NewSession()
	defer sess.Close()
	for _, d := range engineDirectives {
		text := ""
		if r, err := probe.Exec(sess, [][]byte{[]byte("CONFIG"), []byte("GET"), []byte(d.name)}); err == nil {
			if m, ok := r.(engine.Map); ok && len(m) == 2 {
				if b, ok := m[1].([]byte); ok {
					text = string(b)
				}
			}
		}
		flags = append(flags, &cli.StringFlag{Name: d.name, Usage: d.usage, DefaultText: text, EnvVars: []string{envName(d.name)}})
	}
	return flags
}

// splitMulti splits the argument of a multi-argument directive given as
// one string, as Redis does for `save "3600 1 300 100"`.
func splitMulti(v string) ([]string, error) {
	if v == "" {
		return []string{""}, nil
	}
	args, err := repl.SplitArgs(v)
	if err != nil {
		return nil, errors.New("unbalanced quotes")
	}
	return args, nil
}

// applyFlags applies the flags and PHOTON_* variables that were set.
func applyFlags(c *cli.Context, s *settings) error {
	for _, d := range directives {
		if !c.IsSet(d.name) {
			continue
		}
		v := c.String(d.name)
		args := []string{v}
		var err error
		if d.multi {
			args, err = splitMulti(v)
		}
		if err == nil {
			err = d.set(s, args, fromFlag)
		}
		if err != nil {
			return fmt.Errorf("%s %q: %w", flagWhere(d.name), v, err)
		}
	}
	for _, d := range engineDirectives {
		if c.IsSet(d.name) {
			s.engineLines = append(s.engineLines, engineLine{where: flagWhere(d.name), name: d.name, value: c.String(d.name)})
		}
	}
	return nil
}

// flagWhere names a flag, and its variable when that is set.
func flagWhere(name string) string {
	if _, ok := os.LookupEnv(envName(name)); ok {
		return "--" + name + " (or " + envName(name) + ")"
	}
	return "--" + name
}

// readConfigFile reads a redis.conf-style file into s: one directive a
// line, arguments split and unquoted as Redis splits them, "#" comments.
// known reports whether the engine registers a directive serve does not
// own; those lines are kept for the engine. Errors name the file and line.
func readConfigFile(path string, s *settings, known func(name string) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.Trim(sc.Text(), " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, n)
		args, err := repl.SplitArgs(line)
		if err != nil {
			return fmt.Errorf("%s: unbalanced quotes in %q", where, line)
		}
		name, args := strings.ToLower(args[0]), args[1:]
		d := lookupDirective(name)
		if d == nil {
			if known != nil && known(name) && len(args) == 1 {
				s.engineLines = append(s.engineLines, engineLine{where: where, name: name, value: args[0]})
				continue
			}
			if known != nil && known(name) {
				return fmt.Errorf("%s: %s: wrong number of arguments", where, name)
			}
			return fmt.Errorf("%s: unknown directive %q (photon.conf.example lists those photon reads)", where, name)
		}
		switch {
		case len(args) == 0 || (!d.multi && len(args) != 1):
			return fmt.Errorf("%s: %s: wrong number of arguments", where, name)
		case d.multi && len(args) == 1 && args[0] != "":
			if args, err = splitMulti(args[0]); err != nil {
				return fmt.Errorf("%s: %s: %w", where, name, err)
			}
		}
		if err := d.set(s, args, fromFile); err != nil {
			return fmt.Errorf("%s: %s %q: %w", where, name, strings.Join(args, " "), err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// loadSettings builds serve's settings from the defaults, the config file
// when there is one, and the flags and variables, which win over the
// file. probe is an engine on which the engine's own directives are
// tried, so that a bad one is reported before anything starts.
func loadSettings(c *cli.Context, probe *engine.Engine) (settings, error) {
	s := defaultSettings()
	if c.NArg() == 1 {
		if err := readConfigFile(c.Args().First(), &s, engineKnows(probe)); err != nil {
			return s, err
		}
	}
	if err := applyFlags(c, &s); err != nil {
		return s, err
	}
	if err := applyEngineLines(probe, s.engineLines); err != nil {
		return s, err
	}
	if s.tlsPort != 0 && (s.tlsCertFile == "" || s.tlsKeyFile == "") {
		return s, errors.New("tls-port needs tls-cert-file and tls-key-file")
	}
	return s, nil
}

// engineKnows reports whether e registers a configuration directive.
func engineKnows(e *engine.Engine) func(string) bool {
	return func(name string) bool {
		if strings.ContainsAny(name, `*?[\`) {
			return false
		}
		sess := e.NewSession()
		defer sess.Close()
		r, err := e.Exec(sess, [][]byte{[]byte("CONFIG"), []byte("GET"), []byte(name)})
		m, ok := r.(engine.Map)
		return err == nil && ok && len(m) > 0
	}
}

// applyEngineLines sets the engine's own directives.
func applyEngineLines(e *engine.Engine, lines []engineLine) error {
	for _, l := range lines {
		if err := e.SetConfig(l.name, l.value); err != nil {
			msg := err.Error()
			// Keep what is wrong, not CONFIG SET's framing of it.
			if _, after, ok := strings.Cut(msg, ") - "); ok {
				msg = after
			}
			return fmt.Errorf("%s: %s: %s", l.where, l.name, msg)
		}
	}
	return nil
}

// configParams are serve's settings as CONFIG GET and CONFIG SET see
// them. mu guards s, which CONFIG runs on many connections may reach.
func configParams(mu *sync.Mutex, s *settings, r *running) []engine.Param {
	var ps []engine.Param
	for i := range directives {
		d := &directives[i]
		if d.own {
			continue
		}
		p := engine.Param{Name: d.name, Get: func() string {
			mu.Lock()
			defer mu.Unlock()
			return d.get(s)
		}}
		if d.live != nil {
			p.Set = func(v string) error {
				args := []string{v}
				if d.multi {
					var err error
					if args, err = splitMulti(v); err != nil {
						return err
					}
				}
				mu.Lock()
				defer mu.Unlock()
				next := *s
				if err := d.set(&next, args, fromConfigSet); err != nil {
					return err
				}
				old := *s
				*s = next
				if err := d.live(s, r); err != nil {
					*s = old
					return err
				}
				return nil
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// Parsers. Their messages are Redis's, which CONFIG SET shows after
// "CONFIG SET failed (possibly related to argument '...') - ".

func intSetter(lo, hi int64, apply func(*settings, int64)) func(*settings, []string, source) error {
	return func(s *settings, args []string, _ source) error {
		n, err := parseInt(args[0], lo, hi)
		if err != nil {
			return err
		}
		apply(s, n)
		return nil
	}
}

func memSetter(lo, hi int64, apply func(*settings, int64)) func(*settings, []string, source) error {
	return func(s *settings, args []string, _ source) error {
		n, err := parseMemory(args[0])
		if err != nil {
			return err
		}
		if n < uint64(lo) || n > uint64(hi) {
			return fmt.Errorf("argument must be between %d and %d inclusive", lo, hi)
		}
		apply(s, int64(n))
		return nil
	}
}

func boolSetter(apply func(*settings, bool)) func(*settings, []string, source) error {
	return func(s *settings, args []string, _ source) error {
		switch strings.ToLower(args[0]) {
		case "yes":
			apply(s, true)
		case "no":
			apply(s, false)
		default:
			return errors.New("argument must be 'yes' or 'no'")
		}
		return nil
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// parseInt reads an integer as Redis's string2ll does (no sign but "-",
// no leading zeros or spaces) and checks its range.
func parseInt(v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != v {
		return 0, errors.New("argument couldn't be parsed into an integer")
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("argument must be between %d and %d inclusive", lo, hi)
	}
	return n, nil
}

// parseMemory reads a byte count as Redis's memtoull does: digits and an
// optional unit, case-insensitive: b, k (1000), kb (1024), m (1000²), mb
// (1024²), g (1000³), gb (1024³).
func parseMemory(v string) (uint64, error) {
	bad := errors.New("argument must be a memory value")
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(v[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, bad
	}
	var n uint64
	if i > 0 {
		var err error
		if n, err = strconv.ParseUint(v[:i], 10, 64); err != nil {
			return 0, bad
		}
	}
	if n > math.MaxUint64/mul {
		return 0, bad
	}
	return n * mul, nil
}

// setSave reads save rules. From a config file the first save line
// replaces the default rules and later ones add to them, as in Redis;
// flags and CONFIG SET replace them. Besides Redis's "<seconds> <changes>"
// pairs and "" for none, flags and files take the original PhotonDB's
// forms: a duration ("30s", "5m") or whole seconds for "<seconds> 1",
// and 0 for none.
func setSave(s *settings, args []string, from source) error {
	var rules []server.SaveRule
	switch {
	case len(args) == 1 && args[0] == "":
		// none
	case len(args) == 1 && from != fromConfigSet:
		if args[0] == "0" {
			break
		}
		secs, err := parseInt(args[0], 1, math.MaxInt64)
		if err != nil {
			d, derr := time.ParseDuration(args[0])
			if derr != nil || d < time.Second || d%time.Second != 0 {
				return fmt.Errorf(`want "<seconds> <changes> ...", a duration of whole seconds such as 30s or 5m, or "" to disable`)
			}
			secs = int64(d / time.Second)
		}
		rules = []server.SaveRule{{Seconds: secs, Changes: 1}}
	default:
		if len(args)%2 != 0 {
			return errors.New("Invalid save parameters")
		}
		for i := 0; i < len(args); i += 2 {
			secs, err1 := parseInt(args[i], 1, math.MaxInt64)
			changes, err2 := parseInt(args[i+1], 0, math.MaxInt64)
			if err1 != nil || err2 != nil {
				return errors.New("Invalid save parameters")
			}
			rules = append(rules, server.SaveRule{Seconds: secs, Changes: changes})
		}
	}
	if from == fromFile && s.fileSaved && len(rules) > 0 {
		rules = append(slices.Clone(s.save), rules...)
	}
	if from == fromFile {
		s.fileSaved = true
	}
	s.save = rules
	return nil
}

// formatSave shows save rules as CONFIG GET save does: "3600 1 300 100".
func formatSave(rules []server.SaveRule) string {
	parts := make([]string, 0, 2*len(rules))
	for _, r := range rules {
		parts = append(parts, strconv.FormatInt(r.Seconds, 10), strconv.FormatInt(r.Changes, 10))
	}
	return strings.Join(parts, " ")
}

// setOutputLimits reads client-output-buffer-limit: groups of a class
// (normal, replica or slave, pubsub), a hard and a soft limit in memory
// units, and the seconds the soft limit may be exceeded. Classes not
// named keep their limits.
func setOutputLimits(s *settings, args []string, _ source) error {
	if len(args)%4 != 0 {
		return errors.New("Wrong number of arguments in buffer limit configuration.")
	}
	limits := s.outputLimits
	for i := 0; i < len(args); i += 4 {
		class := -1
		switch strings.ToLower(args[i]) {
		case "normal":
			class = 0
		case "replica", "slave":
			class = 1
		case "pubsub":
			class = 2
		default:
			return errors.New("Invalid client class specified in buffer limit configuration.")
		}
		hard, err1 := parseMemory(args[i+1])
		soft, err2 := parseMemory(args[i+2])
		secs, err3 := strconv.ParseInt(args[i+3], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || secs < 0 || hard > math.MaxInt64 || soft > math.MaxInt64 {
			return errors.New("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		limits[class] = bufferLimit{int64(hard), int64(soft), secs}
	}
	s.outputLimits = limits
	return nil
}

// Redis's log levels, as slog levels: notice is slog's Info.
const levelVerbose = slog.LevelDebug + 2

var logLevels = map[string]slog.Level{
	"debug":   slog.LevelDebug,
	"verbose": levelVerbose,
	"notice":  slog.LevelInfo,
	"warning": slog.LevelWarn,
}

// newLogger logs text lines to w at the level lv says, naming the
// verbose level as Redis does.
func newLogger(w io.Writer, lv *slog.LevelVar) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: lv,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.LevelKey && len(groups) == 0 {
				if l, ok := a.Value.Any().(slog.Level); ok && l == levelVerbose {
					a.Value = slog.StringValue("VERBOSE")
				}
			}
			return a
		},
	}))
}

// reservedFDs is Redis's CONFIG_MIN_RESERVED_FDS: descriptors kept for
// listeners, files and logs besides one a client.
const reservedFDs = 32

// maxClientsFit returns how many of n clients the open-file limit lets the
// process serve. Go raises the soft limit to the hard one at start.
func maxClientsFit(n int64) int64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > math.MaxInt64/2 {
		return n
	}
	if avail := int64(lim.Cur) - reservedFDs; avail < n {
		return max(avail, 1)
	}
	return n
}
