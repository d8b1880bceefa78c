package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/photondb/photon/bench"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

// benchCommand is `photon bench`: redis-benchmark's load generator, and
// with --embedded the original's benchmark table run in-process.
//
// Its flags are redis-benchmark's, -h for the host included, so the
// command has no -h help flag: --help shows the help.
func benchCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "bench",
		Usage:     "load a server as redis-benchmark does, or run the in-process table",
		ArgsUsage: "[COMMAND [ARG ...]]",
		Description: "Runs redis-benchmark's tests (or the COMMAND given, where __rand_int__ is replaced\n" +
			"by a random number below -r) against a server over -c connections, and prints for\n" +
			"each test its throughput and latency percentiles. On a terminal it shows the rate\n" +
			"so far while a test runs. With --embedded it runs the original PhotonDB's table\n" +
			"in-process instead (SET, GET, INCR, LPUSH, HSET, SAVE and LOAD of -n keys, 1M by\n" +
			"default) and prints the original's figures beside this build's.",
		HideHelp: true,
		Flags:    benchFlags(),
		Action: func(c *cli.Context) error {
			return runBench(c, stdout, stderr)
		},
	}
}

// benchFlags are redis-benchmark's options, spelled as it spells them.
func benchFlags() []cli.Flag {
	d := bench.Defaults()
	host, port, _ := net.SplitHostPort(d.Addr)
	portNum, _ := strconv.Atoi(port)
	return []cli.Flag{
		&cli.StringFlag{Name: "h", Value: host, Usage: "server hostname"},
		&cli.IntFlag{Name: "p", Value: portNum, Usage: "server port"},
		&cli.StringFlag{Name: "a", Usage: "password for AUTH, sent on every connection before the test"},
		&cli.StringFlag{Name: "user", Usage: "send ACL style AUTH `USERNAME` password (needs -a)"},
		&cli.IntFlag{Name: "dbnum", Usage: "SELECT this database on every connection"},
		&cli.IntFlag{Name: "c", Value: d.Clients, Usage: "number of parallel connections"},
		&cli.IntFlag{Name: "n", Value: d.Requests, Usage: "total number of requests per test (--embedded: operations per row, default 1000000)"},
		&cli.IntFlag{Name: "P", Value: d.Pipeline, Usage: "pipeline `NUMREQ` requests per connection"},
		&cli.IntFlag{Name: "d", Value: d.DataSize, Usage: "data size of SET/GET values in bytes"},
		&cli.IntFlag{Name: "r", Usage: "use random keys (and SADD/HSET/ZADD members) below `KEYSPACELEN`: __rand_int__ becomes a 12-digit number"},
		&cli.StringFlag{Name: "t", Usage: "only run the comma-separated `TESTS`: " + strings.Join(bench.TestNames(), ",")},
		&cli.BoolFlag{Name: "q", Usage: "quiet: one line per test with its requests per second and p50"},
		&cli.BoolFlag{Name: "csv", Usage: "print CSV rows, with redis-benchmark's columns"},
		&cli.BoolFlag{Name: "json", Usage: "print one JSON document with every result, for comparing runs"},
		&cli.BoolFlag{Name: "tls", Usage: "connect with TLS"},
		&cli.StringFlag{Name: "sni", Usage: "server name for TLS (default: the host)"},
		&cli.StringFlag{Name: "cacert", Usage: "CA certificate `FILE` to verify the server with (default: the system's)"},
		&cli.StringFlag{Name: "cert", Usage: "client certificate `FILE` to authenticate with"},
		&cli.StringFlag{Name: "key", Usage: "private key `FILE` of --cert"},
		&cli.BoolFlag{Name: "insecure", Usage: "do not verify the server's TLS certificate"},
		&cli.IntFlag{Name: "threads", Value: 1, Usage: "OS threads running Go code (GOMAXPROCS); one, as redis-benchmark runs, leaves the other cores to the server (--embedded: all cores unless set)"},
		&cli.BoolFlag{Name: "embedded", Usage: "run the original's table in-process instead of against a server"},
		&cli.StringFlag{Name: "dir", Usage: "with --embedded, where SAVE writes its file (default: a temporary directory)"},
		&cli.BoolFlag{Name: "help", Usage: "show help"},
	}
}

// runBench runs bench as the flags say.
func runBench(c *cli.Context, stdout, stderr io.Writer) error {
	format, err := benchFormat(c)
	if err != nil {
		return err
	}
	if c.Int("threads") < 1 {
		return fmt.Errorf("--threads %d: must be at least 1", c.Int("threads"))
	}
	// The network clients run on one thread unless told otherwise;
	// the embedded table keeps Go's default, as `go test -bench` has it,
	// so that its figures compare with BENCHMARKS.md's.
	if !c.Bool("embedded") || c.IsSet("threads") {
		runtime.GOMAXPROCS(c.Int("threads"))
	}
	progress := benchProgress(format, stdout, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if c.Bool("embedded") {
		cfg, err := embeddedConfig(c, format, stdout, progress)
		if err != nil {
			return err
		}
		_, err = bench.RunEmbedded(ctx, cfg)
		return err
	}
	cfg, err := benchConfig(c, format, stdout, progress)
	if err != nil {
		return err
	}
	_, err = bench.Run(ctx, cfg)
	return err
}

// benchFormat picks the output format. --csv wins over -q, as in
// redis-benchmark; --json goes with neither.
func benchFormat(c *cli.Context) (bench.Format, error) {
	switch {
	case c.Bool("json") && (c.Bool("csv") || c.Bool("q")):
		return 0, errors.New("--json cannot be combined with --csv or -q")
	case c.Bool("json"):
		return bench.JSON, nil
	case c.Bool("csv"):
		return bench.CSV, nil
	case c.Bool("q"):
		return bench.Quiet, nil
	}
	return bench.Text, nil
}

// benchProgress returns where live progress goes: the terminal the
// results go to, or, for CSV and JSON (which are for files and pipes),
// stderr when that is a terminal; nil when neither is.
func benchProgress(f bench.Format, stdout, stderr io.Writer) io.Writer {
	if f == bench.Text || f == bench.Quiet {
		if isTerminal(stdout) {
			return stdout
		}
		return nil
	}
	if isTerminal(stderr) {
		return stderr
	}
	return nil
}

// benchConfig turns the flags into a network run.
func benchConfig(c *cli.Context, format bench.Format, out, progress io.Writer) (bench.Config, error) {
	cfg := bench.Defaults()
	if c.IsSet("dir") {
		return cfg, errors.New("--dir goes with --embedded")
	}
	cfg.Addr = net.JoinHostPort(c.String("h"), strconv.Itoa(c.Int("p")))
	cfg.Password = c.String("a")
	cfg.User = c.String("user")
	cfg.DB = c.Int("dbnum")
	cfg.Clients = c.Int("c")
	cfg.Requests = c.Int("n")
	cfg.Pipeline = c.Int("P")
	cfg.DataSize = c.Int("d")
	cfg.RandomKeys = c.IsSet("r")
	cfg.KeySpace = c.Int("r")
	cfg.Command = c.Args().Slice()
	if c.IsSet("t") {
		if len(cfg.Command) > 0 {
			return cfg, fmt.Errorf("-t selects tests of the suite; it cannot go with a command (%q)", cfg.Command[0])
		}
		tests, err := bench.ParseTests(c.String("t"))
		if err != nil {
			return cfg, err
		}
		cfg.Tests = tests
	}
	tlsConfig, err := benchTLS(c)
	if err != nil {
		return cfg, err
	}
	cfg.TLS = tlsConfig
	cfg.Format, cfg.Out, cfg.Progress = format, out, progress
	return cfg, cfg.Validate()
}

// networkOnly are the flags that mean nothing to --embedded.
var networkOnly = []string{"h", "p", "a", "user", "dbnum", "c", "P", "d", "r", "t", "tls", "sni", "cacert", "cert", "key", "insecure"}

// embeddedConfig turns the flags into an in-process run.
func embeddedConfig(c *cli.Context, format bench.Format, out, progress io.Writer) (bench.EmbeddedConfig, error) {
	for _, name := range networkOnly {
		if c.IsSet(name) {
			return bench.EmbeddedConfig{}, fmt.Errorf("-%s is for a server; --embedded takes only -n, --dir, --threads and the output flags", name)
		}
	}
	if c.NArg() > 0 {
		return bench.EmbeddedConfig{}, fmt.Errorf("--embedded runs its own table, not a command (%q)", c.Args().First())
	}
	n := 1_000_000
	if c.IsSet("n") {
		n = c.Int("n")
	}
	return bench.EmbeddedConfig{
		N:        n,
		Dir:      c.String("dir"),
		Open:     openBenchFile,
		Format:   format,
		Out:      out,
		Progress: progress,
	}, nil
}

// benchFile is a persist.File for the embedded table's SAVE and LOAD.
type benchFile struct{ *persist.File }

// Load reads the file into e.
func (f benchFile) Load(e *engine.Engine) error {
	_, err := f.File.Load(e)
	return err
}

// openBenchFile opens the embedded table's snapshot file.
func openBenchFile(path string) (bench.SnapshotFile, error) {
	f, err := persist.Open(path)
	if err != nil {
		return nil, err
	}
	return benchFile{f}, nil
}

// benchTLS builds the client's TLS configuration from --tls and the
// certificate flags, or returns nil without --tls.
func benchTLS(c *cli.Context) (*tls.Config, error) {
	if !c.Bool("tls") {
		for _, name := range []string{"sni", "cacert", "cert", "key", "insecure"} {
			if c.IsSet(name) {
				return nil, fmt.Errorf("--%s goes with --tls", name)
			}
		}
		return nil, nil
	}
	cfg := &tls.Config{
		ServerName:         c.String("h"),
		InsecureSkipVerify: c.Bool("insecure"),
		MinVersion:         tls.VersionTLS12,
	}
	if sni := c.String("sni"); sni != "" {
		cfg.ServerName = sni
	}
	if path := c.String("cacert"); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--cacert: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--cacert %s: no PEM certificate in it", path)
		}
	}
	cert, key := c.String("cert"), c.String("key")
	if (cert == "") != (key == "") {
		return nil, errors.New("--cert and --key go together")
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("--cert %s and --key %s: %w", cert, key, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
