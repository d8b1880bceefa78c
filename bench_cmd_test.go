package main

import (
	"encoding/json"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/photondb/photon/bench"
)

// parseBench runs bench's flag parsing on args and returns the network
// or embedded configuration runBench would run, or the error it would
// stop with.
func parseBench(t *testing.T, args ...string) (bench.Config, bench.EmbeddedConfig, error) {
	t.Helper()
	var cfg bench.Config
	var emb bench.EmbeddedConfig
	var runErr error
	cmd := benchCommand(io.Discard, io.Discard)
	cmd.Action = func(c *cli.Context) error {
		format, err := benchFormat(c)
		if err != nil {
			runErr = err
			return nil
		}
		if c.Bool("embedded") {
			emb, runErr = embeddedConfig(c, format, io.Discard, nil)
		} else {
			cfg, runErr = benchConfig(c, format, io.Discard, nil)
		}
		return nil
	}
	app := &cli.App{Name: "photon", Writer: io.Discard, ErrWriter: io.Discard, Commands: []*cli.Command{cmd}}
	if err := app.Run(append([]string{"photon", "bench"}, args...)); err != nil {
		return cfg, emb, err
	}
	return cfg, emb, runErr
}

// Ensure that bench reads redis-benchmark's flags as redis-benchmark
// does, -h for the host included, and turns them into a run.
func TestBenchFlags(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		check func(bench.Config) bool
	}{
		{"defaults", nil, func(c bench.Config) bool {
			return c.Addr == "127.0.0.1:6379" && c.Clients == 50 && c.Requests == 100000 && c.Pipeline == 1 &&
				c.DataSize == 3 && !c.RandomKeys && c.Tests == nil && c.TLS == nil && c.Format == bench.Text
		}},
		{"host and port", []string{"-h", "10.0.0.7", "-p", "7000"}, func(c bench.Config) bool { return c.Addr == "10.0.0.7:7000" }},
		{"IPv6 host", []string{"-h", "::1", "-p", "7000"}, func(c bench.Config) bool { return c.Addr == "[::1]:7000" }},
		{"load", []string{"-c", "8", "-n", "5000", "-P", "16", "-d", "100"}, func(c bench.Config) bool {
			return c.Clients == 8 && c.Requests == 5000 && c.Pipeline == 16 && c.DataSize == 100
		}},
		{"random keys", []string{"-r", "100000"}, func(c bench.Config) bool { return c.RandomKeys && c.KeySpace == 100000 }},
		{"-r 0 still randomizes, as in redis-benchmark", []string{"-r", "0"}, func(c bench.Config) bool { return c.RandomKeys && c.KeySpace == 0 }},
		{"tests", []string{"-t", "GET,set,lrange_100"}, func(c bench.Config) bool { return slices.Equal(c.Tests, []string{"get", "set", "lrange_100"}) }},
		{"auth", []string{"-a", "pw", "--user", "bob", "--dbnum", "2"}, func(c bench.Config) bool {
			return c.Password == "pw" && c.User == "bob" && c.DB == 2
		}},
		{"quiet", []string{"-q"}, func(c bench.Config) bool { return c.Format == bench.Quiet }},
		{"csv wins over quiet", []string{"-q", "--csv"}, func(c bench.Config) bool { return c.Format == bench.CSV }},
		{"json", []string{"--json"}, func(c bench.Config) bool { return c.Format == bench.JSON }},
		{"tls", []string{"--tls", "-h", "db.example", "--insecure"}, func(c bench.Config) bool {
			return c.TLS != nil && c.TLS.ServerName == "db.example" && c.TLS.InsecureSkipVerify
		}},
		{"sni", []string{"--tls", "--sni", "name.example"}, func(c bench.Config) bool { return c.TLS.ServerName == "name.example" }},
		{"command", []string{"-n", "10", "LPUSH", "mylist", "__rand_int__"}, func(c bench.Config) bool {
			return slices.Equal(c.Command, []string{"LPUSH", "mylist", "__rand_int__"}) && c.Requests == 10
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := parseBench(t, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(cfg) {
				t.Errorf("bench %s gave %+v", strings.Join(tc.args, " "), cfg)
			}
		})
	}
}

// Ensure that --embedded takes -n (a million by default) and refuses the
// flags that only mean something to a server.
func TestBenchFlags_Embedded(t *testing.T) {
	_, emb, err := parseBench(t, "--embedded", "--json")
	if err != nil || emb.N != 1_000_000 || emb.Format != bench.JSON || emb.Open == nil {
		t.Errorf("--embedded --json: %+v, %v; want a million operations as JSON with a snapshot file", emb, err)
	}
	_, emb, err = parseBench(t, "--embedded", "-n", "5000", "--dir", "/tmp/x")
	if err != nil || emb.N != 5000 || emb.Dir != "/tmp/x" {
		t.Errorf("--embedded -n 5000 --dir /tmp/x: %+v, %v", emb, err)
	}
}

// Ensure that bad flags are refused with a message naming them.
func TestBenchFlags_Errors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-c", "0"}, "-c 0"},
		{[]string{"-c", "many"}, `invalid value "many" for flag -c`},
		{[]string{"-n", "-1"}, "-n -1"},
		{[]string{"-P", "0"}, "-P 0"},
		{[]string{"-d", "0"}, "-d 0"},
		{[]string{"-r", "-3"}, "-r -3"},
		{[]string{"-t", "set,bogus"}, `unknown test "bogus"`},
		{[]string{"-t", "set", "GET", "x"}, "-t selects tests of the suite"},
		{[]string{"--json", "--csv"}, "--json cannot be combined"},
		{[]string{"--user", "bob"}, "--user needs a password"},
		{[]string{"--insecure"}, "--insecure goes with --tls"},
		{[]string{"--tls", "--cert", "a.crt"}, "--cert and --key go together"},
		{[]string{"--tls", "--cacert", "/nonexistent/ca.crt"}, "--cacert"},
		{[]string{"--dir", "/tmp"}, "--dir goes with --embedded"},
		{[]string{"--embedded", "-c", "10"}, "-c is for a server"},
		{[]string{"--embedded", "GET", "x"}, "--embedded runs its own table"},
	}
	for _, tc := range cases {
		_, _, err := parseBench(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("bench %s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}

// Ensure that `photon bench` runs end to end against photon serve and
// prints its quiet lines, and that --embedded runs its table as JSON.
func TestBench_CommandLine(t *testing.T) {
	procs := runtime.GOMAXPROCS(0) // bench sets it for the process
	t.Cleanup(func() { runtime.GOMAXPROCS(procs) })
	_, addr := serveTCP(t)
	host, port, _ := strings.Cut(addr, ":")
	stdout, stderr, err := runApp(t, "", "bench", "-h", host, "-p", port, "-n", "300", "-c", "3", "-t", "set,get", "-q")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "SET: ") || !strings.HasPrefix(lines[1], "GET: ") {
		t.Errorf("quiet output:\n%s", stdout)
	}

	stdout, stderr, err = runApp(t, "", "bench", "--embedded", "-n", "2000", "--dir", t.TempDir(), "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var doc struct{ Results []bench.Row }
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || len(doc.Results) != 7 {
		t.Errorf("--embedded --json (%v):\n%s", err, stdout)
	}
}
