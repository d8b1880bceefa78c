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
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
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
	termFlags := []cli.Flag{
		&cli.BoolFlag{Name: "raw", Usage: "print replies raw, as redis-cli --raw (the default when stdout is not a terminal)"},
		&cli.BoolFlag{Name: "no-raw", Usage: "print replies formatted even when stdout is not a terminal"},
		&cli.BoolFlag{Name: "no-color", Usage: "never colour the output (also: NO_COLOR set in the environment)", EnvVars: []string{"NO_COLOR"}},
	}
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
				Flags:  termFlags,
				Action: func(c *cli.Context) error { return runShell(c, stdin, stdout, stderr) },
			},
			{
				Name:      "serve",
				Usage:     "serve the database over TCP with the Redis protocol",
				ArgsUsage: "[CONFIG]",
				Description: "Listens for Redis clients. Settings come from a CONFIG file in redis.conf syntax\n" +
					"(see photon.conf.example), PHOTON_* environment variables and flags; flags and\n" +
					"variables win over the file. CONFIG GET shows every setting; CONFIG SET changes\n" +
					"save, maxclients, timeout, protected-mode, loglevel and client-output-buffer-limit.\n" +
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
				Description: "Connects to HOST:PORT (default 127.0.0.1:6379). With a command, runs it once and\n" +
					"prints the reply, like redis-cli; without one, reads commands from the terminal or stdin.",
				Flags:  termFlags,
				Action: func(c *cli.Context) error { return runConnect(c, stdin, stdout, stderr) },
			},
			benchCommand(stdout, stderr),
		},
	}
}

// termConfig fills the REPL settings every mode shares.
func termConfig(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) repl.Config {
	cfg := repl.Config{In: stdin, Out: stdout, Err: stderr}
	cfg.Interactive = isTerminal(stdin) && isTerminal(stdout)
	cfg.Raw = !isTerminal(stdout)
	if c.Bool("raw") {
		cfg.Raw = true
	}
	if c.Bool("no-raw") {
		cfg.Raw = false
	}
	cfg.NoColor = c.Bool("no-color") || !isTerminal(stdout)
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
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	f, err := persist.Open(path)
	if err != nil {
		return nil, nil, err
	}
	o.Snapshotter = f
	e := engine.New(o)
	start := time.Now()
	info, err := f.Load(e)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("refusing to start: %w", err)
	}
	if info.Keys > 0 {
		o.Logger.Info("snapshot loaded", "file", path, "keys", info.Keys, "took", time.Since(start).Round(time.Millisecond))
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
	e, f, err := openStore(path, engine.Options{Logger: log})
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

func runConnect(c *cli.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	addr := "127.0.0.1:6379"
	args := c.Args().Slice()
	if len(args) > 0 {
		addr = args[0]
		args = args[1:]
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("connect: %q is not HOST:PORT: %w", addr, err)
		}
	}
	cfg := termConfig(c, stdin, stdout, stderr)
	cfg.Name = addr
	cfg.Dial = func() (*client.Client, error) { return client.Dial(addr) }
	if len(args) > 0 {
		return repl.RunOnce(cfg, args)
	}
	return repl.Run(cfg)
}

// shutdownGrace bounds how long a shutdown waits for the commands clients
// are running before it closes their connections.
const shutdownGrace = 5 * time.Second

func runServe(c *cli.Context, stderr io.Writer) error {
	if c.NArg() > 1 {
		return fmt.Errorf("serve takes at most one CONFIG file, got %d arguments", c.NArg())
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
	// io-threads sets the threads that run Go code, overriding GOMAXPROCS.
	// One thread is Redis's model and, on a small machine shared with the
	// clients, the fastest: measured on 2 cores with redis-benchmark, one
	// thread answered 0.88-0.99x redis-server at -P 1 where two answered
	// 0.71-0.77x (BENCHMARKS.md).
	threads := cfg.ioThreads
	runtime.GOMAXPROCS(threads)
	e, f, err := openStore(path, engine.Options{
		Logger: log, Port: tcpPort, ConfigFile: configFile, Databases: cfg.databases, Shutdown: requestShutdown,
		Background: func(running bool) {
			// A background save gets a thread of its own, as Redis's
			// forked child gets a core, so that clients do not wait
			// behind it.
			if running {
				runtime.GOMAXPROCS(threads + 1)
			} else {
				runtime.GOMAXPROCS(threads)
			}
		},
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
	})
	var mu sync.Mutex // guards cfg from here on: CONFIG GET and SET reach it
	e.RegisterConfig(configParams(&mu, &cfg, &running{srv: srv, level: level})...)

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
	log.Info("photon serving", "addr", strings.Join(addrs, ","), "snapshot", path, "save", formatSave(cfg.save), "version", version)
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
