// Command photon is PhotonDB: an in-memory key-value database that speaks
// the Redis protocol and writes Redis's RDB snapshots.
//
//	photon shell [FILE]        a REPL on an in-process engine over FILE
//	photon serve [CONFIG]      the TCP server
//	photon connect [ADDR] ...  the REPL against a remote server
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
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
				Description: "Listens for Redis clients. Settings come from flags, PHOTON_* environment\n" +
					"variables, or a CONFIG file of redis.conf-style lines (bind, port, dir, dbfilename, save);\n" +
					"flags win over the file.",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "bind", Value: "127.0.0.1", Usage: "address to listen on", EnvVars: []string{"PHOTON_BIND"}},
					&cli.IntFlag{Name: "port", Value: 6379, Usage: "TCP port to listen on (0 picks a free one)", EnvVars: []string{"PHOTON_PORT"}},
					&cli.StringFlag{Name: "dir", Value: ".", Usage: "directory of the snapshot file", EnvVars: []string{"PHOTON_DIR"}},
					&cli.StringFlag{Name: "dbfilename", Value: "photon.rdb", Usage: "snapshot file name", EnvVars: []string{"PHOTON_DBFILENAME"}},
					&cli.StringFlag{Name: "save", Value: "30s", Usage: "snapshot in the background this often when data changed (0 disables)", EnvVars: []string{"PHOTON_SAVE"}},
				},
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

// serveConfig is what serve needs, from flags, environment and file.
type serveConfig struct {
	bind, dir, dbfilename string
	port                  int
	save                  time.Duration
}

func runServe(c *cli.Context, stderr io.Writer) error {
	if c.NArg() > 1 {
		return fmt.Errorf("serve takes at most one CONFIG file, got %d arguments", c.NArg())
	}
	save, err := parseSaveInterval(c.String("save"))
	if err != nil {
		return fmt.Errorf("--save: %w", err)
	}
	cfg := serveConfig{bind: c.String("bind"), port: c.Int("port"), dir: c.String("dir"), dbfilename: c.String("dbfilename"), save: save}
	if c.NArg() == 1 {
		if err := readConfigFile(c.Args().First(), &cfg, c); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	path := filepath.Join(cfg.dir, cfg.dbfilename)
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.bind, strconv.Itoa(cfg.port)))
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	e, f, err := openStore(path, engine.Options{Logger: log, Port: port, ConfigFile: c.Args().First()})
	if err != nil {
		ln.Close()
		return err
	}
	defer f.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go e.Run(ctx)
	srv := server.New(e, server.Options{SaveInterval: cfg.save, Logger: log})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("photon serving", "addr", ln.Addr().String(), "snapshot", path, "save", cfg.save.String(), "version", version)

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	}
	srv.Close()
	e.WaitSaves()
	if n := e.Dirty(); n > 0 {
		if err := e.Save(); err != nil {
			return fmt.Errorf("final save to %s: %w", path, err)
		}
		log.Info("saved on shutdown", "file", path, "changes", n)
	}
	return nil
}

// parseSaveInterval accepts a Go duration ("30s", "5m") or whole seconds;
// "0" or "" disables scheduled saves.
func parseSaveInterval(s string) (time.Duration, error) {
	if s == "" || s == "0" {
		return 0, nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration such as 30s or 5m, or 0 to disable", s)
	}
	return d, nil
}
