// Command photon is PhotonDB: an in-memory key-value database that speaks
// the Redis protocol and writes Redis's RDB snapshots.
//
//	photon shell [FILE]        a REPL on an in-process engine over FILE
//	photon serve [CONFIG]      the TCP server
//	photon connect [ADDR] ...  the REPL against a remote server
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
	"github.com/photondb/photon/repl"
	"github.com/photondb/photon/server"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if err := newApp(os.Stdin, os.Stdout, os.Stderr).Run(os.Args); err != nil {
		if !errors.Is(err, repl.ErrFailed) {
			fmt.Fprintln(os.Stderr, "photon:", err)
		}
		os.Exit(1)
	}
}

// newApp builds the command line. Tests run it with their own streams.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "photon",
		Usage:     "an in-memory key-value database that speaks the Redis protocol",
		Version:   version,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			{
				Name:      "shell",
				Usage:     "open a snapshot file and run a REPL on an in-process engine",
				ArgsUsage: "[FILE]",
				Description: "Opens FILE (default ./photon.rdb; created on the first save) and reads commands\n" +
					"from the terminal, or from stdin when it is not a terminal. Quitting saves unsaved changes.",
				Flags: slices.Concat(termFlags(), []cli.Flag{&cli.BoolFlag{Name: "skip-unsupported",
					Usage: "open a snapshot holding streams, module values or functions, leaving them out with a warning (a save then drops them)"}}),
				Action: func(c *cli.Context) error { return runShell(c, stdin, stdout, stderr) },
			},
			{
				Name:      "serve",
				Usage:     "serve the database over TCP with the Redis protocol",
				ArgsUsage: "[CONFIG]",
				Description: "Listens for Redis clients. Settings come from a CONFIG file in redis.conf syntax\n" +
					"(see photon.conf.example), PHOTON_* environment variables and flags; flags and\n" +
					"variables win over the file. CONFIG GET shows every setting but skip-unsupported;\n" +
					"CONFIG SET changes save, maxclients, timeout, protected-mode, loglevel,\n" +
					"client-output-buffer-limit, appendonly, appendfsync and the other append-only\n" +
					"file settings.\n" +
					"SIGINT, SIGTERM or SHUTDOWN stop accepting, let running commands finish, save the\n" +
					"snapshot (not on a signal when save is off, nor on SHUTDOWN NOSAVE) and exit 0;\n" +
					"a second SIGINT exits 1 at once.",
				Flags:  serveFlags(),
				Action: func(c *cli.Context) error { return runServe(c, stderr) },
			},
			{
				Name:      "connect",
				Usage:     "run the REPL against a PhotonDB or Redis server, or one command",
				ArgsUsage: "[HOST:PORT] [COMMAND [ARG ...]]",
				Description: "Connects to HOST:PORT (default 127.0.0.1:6379; or -h, -p, -u), as redis-cli does.\n" +
					"With a command, runs it and prints the reply; without one, reads commands from the\n" +
					"terminal, or from stdin when it is not a terminal. The password comes from -a, -u\n" +
					"or REDISCLI_AUTH.",
				HideHelp: true, // -h is the host, as in redis-cli
				Flags:    connectFlags(),
				Action:   func(c *cli.Context) error { return runConnect(c, stdin, stdout, stderr) },
			},
			benchCommand(stdout, stderr),
		},
	}
}

// termFlags are the flags of every REPL: output modes, colours, and how
// a script behaves.
func termFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "raw", Usage: "print replies raw, as redis-cli --raw (the default when stdout is not a terminal)"},
		&cli.BoolFlag{Name: "no-raw", Usage: "print replies formatted even when stdout is not a terminal"},
		&cli.BoolFlag{Name: "csv", Usage: "print each reply as a line of comma-separated values, as redis-cli --csv"},
		&cli.BoolFlag{Name: "json", Usage: "print each reply as a JSON value, as redis-cli --json (RESP3 unless -2)"},
		&cli.BoolFlag{Name: "quoted-json", Usage: "as --json, with ASCII-safe quoted strings"},
		&cli.BoolFlag{Name: "no-color", Usage: "never colour the output (also: NO_COLOR set to anything in the environment)"},
		&cli.BoolFlag{Name: "bail", Usage: "stop a script at the first line that fails"},
		&cli.BoolFlag{Name: "2", Usage: "speak RESP2 (the default)"},
		&cli.BoolFlag{Name: "3", Usage: "speak RESP3: send HELLO 3 on connecting"},
	}
}

// connectFlags are the flags of connect: the REPL's, and redis-cli's
// common ones.
func connectFlags() []cli.Flag {
	return append(termFlags(),
		&cli.StringFlag{Name: "h", Usage: "server host name (default: 127.0.0.1)"},
		&cli.IntFlag{Name: "p", Usage: "server port (default: 6379)"},
		&cli.StringFlag{Name: "u", Usage: "server URI: redis://[[user]:[password]@][host][:port][/db], or rediss:// for TLS"},
		&cli.StringFlag{Name: "pass", Aliases: []string{"a"}, Usage: "password to AUTH with (safer: the REDISCLI_AUTH environment variable)"},
		&cli.StringFlag{Name: "user", Usage: "user name to AUTH with, with -a"},
		&cli.BoolFlag{Name: "no-auth-warning", Usage: "do not warn about a password on the command line"},
		&cli.IntFlag{Name: "n", Usage: "database number to select"},
		&cli.BoolFlag{Name: "tls", Usage: "connect with TLS"},
		&cli.StringFlag{Name: "sni", Usage: "TLS server name (default: the host)"},
		&cli.StringFlag{Name: "cacert", Usage: "CA certificate file to verify the server with (default: the system's)"},
		&cli.StringFlag{Name: "cert", Usage: "client certificate file, with --key"},
		&cli.StringFlag{Name: "key", Usage: "client private key file, with --cert"},
		&cli.BoolFlag{Name: "insecure", Usage: "do not verify the server's TLS certificate"},
		&cli.BoolFlag{Name: "x", Usage: "read the command's last argument from stdin"},
		&cli.IntFlag{Name: "r", Usage: "run the command this many times (negative: forever)"},
		&cli.Float64Flag{Name: "i", Usage: "with -r, wait this many seconds between runs (such as 0.1)"},
		&cli.BoolFlag{Name: "help", Usage: "show help"},
	)
}

// termConfig fills the REPL settings every mode shares.
func termConfig(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) repl.Config {
	cfg := repl.Config{In: stdin, Out: stdout, Err: stderr}
	cfg.Interactive = isTerminal(stdin) && isTerminal(stdout)
	cfg.Output = repl.Standard
	if !isTerminal(stdout) {
		cfg.Output = repl.Raw
	}
	// Of several output flags, the most specific wins.
	for _, m := range []repl.Mode{repl.Standard, repl.Raw, repl.CSV, repl.JSON, repl.QuotedJSON} {
		if c.Bool(strings.TrimPrefix(m.String(), "--")) {
			cfg.Output = m
		}
	}
	if c.Bool("3") || (cfg.Output == repl.JSON || cfg.Output == repl.QuotedJSON) && !c.Bool("2") {
		cfg.Protocol = 3
	}
	cfg.NoColor = c.Bool("no-color") || os.Getenv("NO_COLOR") != "" || !isTerminal(stdout)
	cfg.Bail = c.Bool("bail")
	cfg.HistoryFile = historyFile()
	return cfg
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// historyFile is $PHOTON_HISTFILE when set (empty disables history), else
// ~/.photon_history.
func historyFile() string {
	if p, ok := os.LookupEnv("PHOTON_HISTFILE"); ok {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".photon_history")
}

// openStore locks and loads a snapshot file into a new engine.
func openStore(path string, o engine.Options) (*engine.Engine, *persist.File, error) {
	return openStoreWith(path, o, persist.LoadOptions{})
}

// openStoreWith is openStore with options for reading the file.
func openStoreWith(path string, o engine.Options, lo persist.LoadOptions) (*engine.Engine, *persist.File, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	f, err := persist.Open(path)
	if err != nil {
		return nil, nil, err
	}
	o.Snapshotter = f
	o.Serializer = persist.DumpFormat{}
	e := engine.New(o)
	start := time.Now()
	info, err := f.LoadWith(e, lo)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("refusing to start: %w", err)
	}
	if info.Keys > 0 {
		o.Logger.Info("snapshot loaded", "file", path, "keys", info.Keys, "took", time.Since(start).Round(time.Millisecond))
	}
	return e, f, nil
}

// openServeStore locks the snapshot and the append-only file and loads
// serve's data into a new engine. With appendonly, the append-only file
// is preferred, as in Redis; when it does not exist yet, the snapshot is
// loaded and the file created from it, so that turning appendonly on
// loses nothing (Redis 7.0 would start empty). A file that cannot be
// read refuses the start, with the file and byte offset, and nothing on
// disk is changed.
func openServeStore(path string, aof *persist.AOF, appendonly bool, lo persist.LoadOptions, o engine.Options) (*engine.Engine, *persist.File, error) {
	f, err := persist.Open(path)
	if err != nil {
		return nil, nil, err
	}
	o.Snapshotter = f
	o.Serializer = persist.DumpFormat{}
	o.Journal = aof
	e := engine.New(o)
	fail := func(err error) (*engine.Engine, *persist.File, error) {
		f.Close()
		if errors.Is(err, persist.ErrUnsupportedType) {
			err = fmt.Errorf("%w (skip-unsupported yes starts without them)", err)
		}
		return nil, nil, fmt.Errorf("refusing to start: %w", err)
	}
	if appendonly {
		start := time.Now()
		loader := e.NewLoader()
		info, err := aof.Load(e.Put, loader.Exec)
		loader.Close()
		if err != nil {
			return fail(err)
		}
		if !info.Missing {
			o.Logger.Info("DB loaded from append only file", "file", aof.Path(), "preamble_keys", info.Keys,
				"commands", info.Commands, "bytes", info.Size, "took", time.Since(start).Round(time.Millisecond))
			return e, f, nil
		}
	}
	start := time.Now()
	info, err := f.LoadWith(e, lo)
	if err != nil {
		return fail(err)
	}
	if info.Keys > 0 {
		o.Logger.Info("snapshot loaded", "file", path, "keys", info.Keys, "took", time.Since(start).Round(time.Millisecond))
	}
	if appendonly {
		snap := e.Snapshot()
		err := aof.Create(snap)
		snap.Release()
		if err != nil {
			return fail(err)
		}
		o.Logger.Info("Creating AOF file on server start", "file", aof.Path(), "keys", info.Keys)
	}
	return e, f, nil
}

func runShell(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	if c.NArg() > 1 {
		return fmt.Errorf("shell takes at most one FILE, got %d arguments", c.NArg())
	}
	path := "photon.rdb"
	if c.NArg() == 1 {
		path = c.Args().First()
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	lo := persist.LoadOptions{SkipUnsupported: c.Bool("skip-unsupported"), Warn: func(msg string) { log.Warn(msg) }}
	var bar *repl.Progress
	if isTerminal(stderr) {
		bar = repl.NewProgress(stderr, "Loading "+path)
		lo.Progress = bar.Update
	}
	e, f, err := openStoreWith(path, engine.Options{Logger: log}, lo)
	if bar != nil {
		bar.Done()
	}
	if errors.Is(err, persist.ErrUnsupportedType) {
		return fmt.Errorf("%w (--skip-unsupported opens it without them)", err)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.Run(ctx)
	srv := server.New(e, server.Options{Logger: log})
	defer srv.Close()

	cfg := termConfig(c, stdin, stdout, stderr)
	cfg.Name = "photon:" + filepath.Base(path)
	cfg.Keys = engineKeys(e)
	cfg.Dial = func() (*client.Client, error) {
		local, remote := net.Pipe()
		srv.ServeConn(local)
		return client.New(remote), nil
	}
	runErr := repl.Run(cfg)
	e.WaitSaves()
	if n := e.Dirty(); n > 0 {
		if err := e.Save(); err != nil {
			return errors.Join(runErr, fmt.Errorf("save %s: %w", path, err))
		}
		fmt.Fprintf(stderr, "Saved %d unsaved changes to %s\n", n, path)
	}
	return runErr
}

// Limits of the shell's key completion: a listing looks at this many
// keys at most.
const shellKeyWalk = 100_000

// engineKeys lists key names for the shell's completion straight from
// the engine, from a snapshot of the keyspace, looking at no more than
// shellKeyWalk keys.
func engineKeys(e *engine.Engine) repl.KeyLister {
	return func(db int, prefix string, max int) ([]string, bool, error) {
		if db < 0 || db >= e.Databases() {
			return nil, true, nil
		}
		var keys []string
		walked, complete := 0, true
		e.EachKey(db, func(key string) bool {
			walked++
			if strings.HasPrefix(key, prefix) {
				keys = append(keys, key)
			}
			if len(keys) >= max || walked >= shellKeyWalk {
				complete = false
				return false
			}
			return true
		})
		return keys, complete, nil
	}
}

// authWarning is what redis-cli prints when a password is given on the
// command line, where other users may see it.
const authWarning = "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe."

// target is where connect connects, and as whom.
type target struct {
	host, port     string
	user, password string
	db             int
	tls            bool
}

// connectTarget reads the address, the credentials and the database
// from the flags and, when none of -h, -p and -u is given, from a first
// argument HOST:PORT. It returns the arguments left: the command to run.
func connectTarget(c *cli.Context) (target, []string, error) {
	t := target{host: "127.0.0.1", port: "6379", tls: c.Bool("tls")}
	args := c.Args().Slice()
	if uri := c.String("u"); uri != "" {
		if err := t.parseURI(uri); err != nil {
			return t, nil, err
		}
	}
	if c.IsSet("h") {
		t.host = c.String("h")
	}
	if c.IsSet("p") {
		t.port = strconv.Itoa(c.Int("p"))
	}
	if !c.IsSet("h") && !c.IsSet("p") && !c.IsSet("u") && len(args) > 0 &&
		(strings.Contains(args[0], ":") || engine.Lookup(args[0]) == nil && !strings.EqualFold(args[0], "help")) {
		host, port, err := net.SplitHostPort(args[0])
		if err != nil {
			return t, nil, fmt.Errorf("connect: %q is not HOST:PORT: %w", args[0], err)
		}
		t.host, t.port, args = host, port, args[1:]
	}
	if c.IsSet("pass") {
		t.password = c.String("pass")
	} else if t.password == "" {
		t.password = os.Getenv("REDISCLI_AUTH")
	}
	if c.IsSet("user") {
		t.user = c.String("user")
	}
	if c.IsSet("n") {
		t.db = c.Int("n")
	}
	return t, args, nil
}

// parseURI reads redis://[[user]:[password]@][host][:port][/db], or
// rediss:// for TLS, as redis-cli -u does.
func (t *target) parseURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("-u: %w", err)
	}
	switch u.Scheme {
	case "redis":
	case "rediss":
		t.tls = true
	default:
		return fmt.Errorf("-u %q: the scheme must be redis:// or rediss://", uri)
	}
	if h := u.Hostname(); h != "" {
		t.host = h
	}
	if p := u.Port(); p != "" {
		t.port = p
	}
	if u.User != nil {
		t.user = u.User.Username()
		t.password, _ = u.User.Password()
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		n, err := strconv.Atoi(db)
		if err != nil {
			return fmt.Errorf("-u %q: the database %q is not a number", uri, db)
		}
		t.db = n
	}
	return nil
}

// tlsConfig builds the TLS settings of connect from its flags.
func tlsConfig(c *cli.Context, host string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, InsecureSkipVerify: c.Bool("insecure")}
	if sni := c.String("sni"); sni != "" {
		cfg.ServerName = sni
	}
	if path := c.String("cacert"); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--cacert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--cacert %s: no PEM certificate in the file", path)
		}
		cfg.RootCAs = pool
	}
	if c.IsSet("cert") || c.IsSet("key") {
		cert, err := tls.LoadX509KeyPair(c.String("cert"), c.String("key"))
		if err != nil {
			return nil, fmt.Errorf("--cert and --key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func runConnect(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	t, args, err := connectTarget(c)
	if err != nil {
		return err
	}
	if t.password != "" && (c.IsSet("pass") || c.IsSet("u")) && !c.Bool("no-auth-warning") {
		fmt.Fprintln(stderr, authWarning)
	}
	addr := net.JoinHostPort(t.host, t.port)
	cfg := termConfig(c, stdin, stdout, stderr)
	cfg.Name = addr
	cfg.User, cfg.Password, cfg.DB = t.user, t.password, t.db
	cfg.Dial = func() (*client.Client, error) { return client.Dial(addr) }
	if t.tls {
		tc, err := tlsConfig(c, t.host)
		if err != nil {
			return err
		}
		cfg.Dial = func() (*client.Client, error) { return client.DialTLS(addr, tc) }
	}
	if len(args) == 0 {
		if c.Bool("x") {
			return errors.New("connect: -x reads the last argument of a command, and no command was given")
		}
		return repl.Run(cfg)
	}
	if c.Bool("x") {
		last, err := io.ReadAll(stdin)
		if err != nil {
			return fmt.Errorf("-x: read stdin: %w", err)
		}
		args = append(args, string(last))
	}
	cfg.Repeat = c.Int("r")
	cfg.Interval = time.Duration(c.Float64("i") * float64(time.Second))
	return repl.RunOnce(cfg, args)
}

// shutdownGrace bounds how long a shutdown waits for the commands clients
// are running before it closes their connections.
const shutdownGrace = 5 * time.Second

func runServe(c *cli.Context, stderr io.Writer) error {
	if c.NArg() > 1 {
		return fmt.Errorf("serve takes at most one CONFIG file, got %d arguments", c.NArg())
	}
	if path := os.Getenv("PHOTON_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	// The engine's own directives are tried on a throwaway engine first,
	// so that a bad one stops serve before it listens or loads anything.
	probe := engine.New(engine.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	cfg, err := loadSettings(c, probe)
	if err != nil {
		return err
	}
	level := new(slog.LevelVar)
	level.Set(logLevels[cfg.loglevel])
	log := newLogger(stderr, level)

	var tlsConfig *tls.Config
	if cfg.tlsPort != 0 {
		if tlsConfig, err = server.LoadTLSConfig(cfg.tlsCertFile, cfg.tlsKeyFile, cfg.tlsCACertFile); err != nil {
			return err
		}
	}
	if fit := maxClientsFit(cfg.maxclients); fit < cfg.maxclients {
		log.Warn(fmt.Sprintf("maxclients %d needs %d open files, more than the limit; maxclients has been reduced to %d. Raise 'ulimit -n' for more.",
			cfg.maxclients, cfg.maxclients+reservedFDs, fit))
		cfg.maxclients = fit
	}
	// A signal that arrives while the snapshot loads waits for the
	// select below: serve shuts down as soon as it is up.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	lns, err := listen(log, cfg.bind, cfg.port, cfg.tlsPort, tlsConfig)
	if err != nil {
		return err
	}
	closeAll := func() {
		for _, ln := range lns {
			ln.Close()
		}
	}
	tcpPort := 0 // for INFO: 0 when serving TLS only
	for _, l := range lns {
		if !l.tls {
			tcpPort = l.Addr().(*net.TCPAddr).Port
			break
		}
	}
	configFile := ""
	if c.NArg() == 1 {
		configFile, _ = filepath.Abs(c.Args().First())
	}
	// SHUTDOWN asks through this channel; the first request wins.
	shutdownReq := make(chan bool, 1)
	requestShutdown := func(save bool) error {
		select {
		case shutdownReq <- save:
		default:
		}
		return nil
	}
	path := filepath.Join(cfg.dir, cfg.dbfilename)
	load := persist.LoadOptions{SkipUnsupported: cfg.skipUnsupported, Warn: func(msg string) { log.Warn(msg) }}
	aof := persist.NewAOF(filepath.Join(cfg.dir, cfg.appendfilename), persist.AOFOptions{
		Fsync:             cfg.appendfsync,
		Preamble:          cfg.aofPreamble,
		RewritePercentage: cfg.aofRewritePerc,
		RewriteMinSize:    cfg.aofRewriteMin,
		LoadTruncated:     cfg.aofLoadTruncated,
		Load:              load,
		Logger:            log,
		// As Redis: a write that appendfsync always cannot make durable
		// must not be acknowledged, and the process cannot take it back.
		Fatal: func(err error) {
			log.Error("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...", "err", err)
			os.Exit(1)
		},
	})
	defer aof.Close()
	// io-threads sets the threads that run Go code, overriding GOMAXPROCS.
	// One thread is Redis's model and, on a small machine shared with the
	// clients, the fastest: measured on 2 cores with redis-benchmark, one
	// thread answered 0.88-0.99x redis-server at -P 1 where two answered
	// 0.71-0.77x (BENCHMARKS.md). procs adds the threads that background
	// jobs and appendfsync always need.
	procs := &procs{threads: cfg.ioThreads}
	procs.setSyncing(cfg.appendonly, cfg.appendfsync)
	e, f, err := openServeStore(path, aof, cfg.appendonly, load, engine.Options{
		Logger: log, Port: tcpPort, ConfigFile: configFile, Databases: cfg.databases, Shutdown: requestShutdown,
		Background: procs.setBackground,
	})
	if err != nil {
		closeAll()
		return err
	}
	defer f.Close()
	if err := applyEngineLines(e, cfg.engineLines); err != nil {
		closeAll()
		return err
	}

	ctx, stopEngine := context.WithCancel(context.Background())
	defer stopEngine()
	go e.Run(ctx)
	srv := server.New(e, server.Options{
		Save:              cfg.save,
		Logger:            log,
		MaxClients:        int(cfg.maxclients),
		Timeout:           time.Duration(cfg.timeout) * time.Second,
		MaxQueryBuffer:    cfg.queryBuffer,
		MaxBulk:           cfg.maxBulk,
		OutputBufferLimit: cfg.outputLimits[0].hard,
		PubSubLimit:       &server.BufferLimit{Hard: cfg.outputLimits[2].hard, Soft: cfg.outputLimits[2].soft, Seconds: cfg.outputLimits[2].seconds},
		ProtectedMode:     cfg.protectedMode,
		HasPassword:       e.RequiresAuth,
		EventLoops:        cfg.ioThreads,
	})
	var mu sync.Mutex // guards cfg from here on: CONFIG GET and SET reach it
	e.RegisterConfig(configParams(&mu, &cfg, &running{srv: srv, level: level, eng: e, aof: aof, log: log, procs: procs})...)

	served := make(chan error, len(lns))
	var addrs []string
	var exposed []string
	for _, l := range lns {
		ln := l.Listener
		if l.tls {
			addrs = append(addrs, ln.Addr().String()+" (tls)")
		} else {
			addrs = append(addrs, ln.Addr().String())
		}
		if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
			exposed = append(exposed, ln.Addr().String())
		}
	}
	logged := "no"
	if cfg.appendonly {
		logged = aof.Path() + " (appendfsync " + cfg.appendfsync.String() + ")"
	}
	log.Info("photon serving", "addr", strings.Join(addrs, ","), "snapshot", path, "save", formatSave(cfg.save), "appendonly", logged, "version", version)
	if len(exposed) > 0 && !e.RequiresAuth() {
		consequence := "protected-mode is off, so anyone who can reach it can read and change every key"
		if cfg.protectedMode {
			consequence = "protected-mode refuses clients that are not on loopback until a password is set"
		}
		log.Warn("listening on a non-loopback address with no password (requirepass): "+consequence, "addr", strings.Join(exposed, ","))
	}
	for _, l := range lns {
		go func() { served <- srv.Serve(l.Listener) }()
	}

	var save bool
	select {
	case sig := <-sigs:
		mu.Lock()
		save = len(cfg.save) > 0
		mu.Unlock()
		log.Warn("received " + signalName(sig) + ", shutting down")
	case save = <-shutdownReq:
		log.Warn("SHUTDOWN requested, shutting down")
	case err := <-served:
		closeAll()
		srv.Close()
		return fmt.Errorf("serve: %w", err)
	}
	// As Redis does, a second SIGINT means "now": no waiting for
	// clients, no save. A second SIGTERM changes nothing.
	go func() {
		for sig := range sigs {
			if sig == os.Interrupt {
				log.Warn("You insist... exiting now.")
				os.Exit(1)
			}
			log.Warn("received " + signalName(sig) + " while shutting down; a second SIGINT exits at once")
		}
	}()

	closeAll()
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	if err := srv.Shutdown(grace); errors.Is(err, context.DeadlineExceeded) {
		log.Warn("commands still running after " + shutdownGrace.String() + "; their clients were closed")
	}
	cancel()
	srv.Close()
	stopEngine()
	// The append-only file is flushed and synced, and a rewrite still
	// running called off, as Redis kills its rewriting child.
	if err := aof.Close(); err != nil {
		log.Error("closing the append-only file", "err", err)
	}
	e.WaitSaves()
	if save {
		n := e.Dirty()
		if err := e.Save(); err != nil {
			return fmt.Errorf("final save to %s: %w", path, err)
		}
		log.Info("DB saved on disk", "file", path, "changes", n)
	}
	log.Info("photon is now ready to exit, bye bye...")
	return nil
}

func signalName(sig os.Signal) string {
	if sig == os.Interrupt {
		return "SIGINT"
	}
	return "SIGTERM"
}

// listener is one address serve listens on.
type listener struct {
	net.Listener
	tls bool
}

// listen opens a listener for every bind address on port, and, when
// tlsPort is not 0, a TLS listener for every address on it. Port 0 picks
// a free port, the same one for every address, unless tlsPort is set:
// then it means no plain TCP, as in Redis. An address marked optional
// with a leading "-" is skipped when the machine does not have it.
func listen(log *slog.Logger, bind []string, port, tlsPort int, tlsConfig *tls.Config) ([]listener, error) {
	var lns []listener
	fail := func(err error) ([]listener, error) {
		for _, ln := range lns {
			ln.Close()
		}
		return nil, err
	}
	type target struct {
		port int
		tls  bool
	}
	var targets []target
	if port != 0 || tlsPort == 0 {
		targets = append(targets, target{port, false})
	}
	if tlsPort != 0 {
		targets = append(targets, target{tlsPort, true})
	}
	for _, t := range targets {
		p := t.port
		for _, addr := range bind {
			host, optional := strings.CutPrefix(addr, "-")
			switch host {
			case "*":
				host = "0.0.0.0"
			case "::*":
				host = "::"
			}
			ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
			if err != nil {
				if optional && (errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EPROTONOSUPPORT)) {
					log.Info("skipping an optional bind address", "addr", host, "err", err)
					continue
				}
				return fail(err)
			}
			p = ln.Addr().(*net.TCPAddr).Port
			if t.tls {
				ln = tls.NewListener(ln, tlsConfig)
			}
			lns = append(lns, listener{ln, t.tls})
		}
	}
	if len(lns) == 0 {
		return fail(fmt.Errorf("none of the bind addresses %q is available: configured to not listen anywhere", strings.Join(bind, " ")))
	}
	return lns, nil
}

// startCPUProfile writes a pprof CPU profile of serve to path until stop
// is called, for PHOTON_CPUPROFILE: where the time goes under a real
// client's load (go tool pprof -top photon path).
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("PHOTON_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("PHOTON_CPUPROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
