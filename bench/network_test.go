package bench_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/bench"
	"github.com/photondb/photon/client"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
	"github.com/photondb/photon/server"
)

// photon serves a new engine on a free loopback port until the test
// ends, over TLS when tlsConfig is not nil.
func photon(t testing.TB, tlsConfig *tls.Config) (*engine.Engine, string) {
	t.Helper()
	e := engine.New(engine.Options{})
	srv := server.New(e, server.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return e, addr
}

// do runs one command on a server and returns its reply's text: a
// string's bytes, an integer's digits.
func do(t testing.TB, addr string, args ...string) string {
	t.Helper()
	c, err := client.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	if v.Kind == resp.Integer {
		return strconv.FormatInt(v.Int, 10)
	}
	return string(v.Str)
}

// config is a small run against addr.
func config(addr string, out io.Writer) bench.Config {
	cfg := bench.Defaults()
	cfg.Addr = addr
	cfg.Clients = 5
	cfg.Requests = 1001 // not a multiple of clients times pipeline
	cfg.Pipeline = 4
	cfg.Format = bench.JSON
	cfg.Out = out
	return cfg
}

// checkResult checks what every result must satisfy.
func checkResult(t testing.TB, r bench.Result, requests int) {
	t.Helper()
	l := r.Latency
	if r.Requests != requests || r.OpsPerSec <= 0 || r.Seconds <= 0 {
		t.Errorf("%s: %d requests at %.0f/s in %.3fs; want %d at a positive rate", r.Test, r.Requests, r.OpsPerSec, r.Seconds, requests)
	}
	if r.Errors != 0 {
		t.Errorf("%s: %d error replies, the first %q", r.Test, r.Errors, r.FirstError)
	}
	if !(0 < l.Min && l.Min <= l.P50 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.P999 && l.P999 <= l.Max && l.Min <= l.Avg && l.Avg <= l.Max) {
		t.Errorf("%s: latencies out of order: %+v", r.Test, l)
	}
}

// Ensure that a short run against photon serve sends exactly -n requests
// of each test, hits keys below -r, and prints a JSON document of the
// results.
func TestRun_PhotonServe(t *testing.T) {
	_, addr := photon(t, nil)
	var out bytes.Buffer
	cfg := config(addr, &out)
	cfg.Tests = []string{"set", "get", "incr", "lpush", "lrange_100", "hset", "mset", "ping"}
	cfg.RandomKeys, cfg.KeySpace = true, 50
	results, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "HSET",
		"LPUSH (needed to benchmark LRANGE)", "LRANGE_100 (first 100 elements)", "MSET (10 keys)"}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(results), len(want), results)
	}
	for i, r := range results {
		if r.Test != want[i] {
			t.Errorf("result %d is %q, want %q", i, r.Test, want[i])
		}
		checkResult(t, r, cfg.Requests)
	}
	// Exactly -n LPUSHes, twice: the LPUSH test and the LRANGE fill.
	if got := do(t, addr, "LLEN", "mylist"); got != "2002" {
		t.Errorf("LLEN mylist = %s, want 2002", got)
	}
	if got, _ := strconv.Atoi(do(t, addr, "HLEN", "myhash")); got < 10 || got > 50 {
		t.Errorf("HLEN myhash = %d, want at most -r 50 fields", got)
	}
	if got := do(t, addr, "EXISTS", "key:__rand_int__"); got != "0" {
		t.Errorf("with -r the placeholder must not reach the server as a key")
	}
	var doc struct {
		Mode    string
		Addr    string
		Results []bench.Result
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, out.String())
	}
	if doc.Mode != "network" || doc.Addr != addr || len(doc.Results) != len(want) || doc.Results[2].Test != "SET" {
		t.Errorf("JSON document: mode %q addr %q %d results; want network, %s, %d\n%s", doc.Mode, doc.Addr, len(doc.Results), addr, len(want), out.String())
	}
}

// Ensure that a short run against a real redis-server works and prints
// redis-benchmark's CSV columns.
func TestRun_RedisServer(t *testing.T) {
	srv := redistest.Start(t, "")
	var out bytes.Buffer
	cfg := config(srv.Addr, &out)
	cfg.Format = bench.CSV
	cfg.Tests = []string{"set", "get", "sadd", "zadd", "lrange_600", "mset"}
	results, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		checkResult(t, r, cfg.Requests)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(results)+1 || lines[0] != `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"` {
		t.Fatalf("CSV output:\n%s", out.String())
	}
	for _, line := range lines[1:] {
		if f := strings.Split(line, `","`); len(f) != 8 {
			t.Errorf("CSV row %q has %d fields, want 8", line, len(f))
		}
	}
	if got := do(t, srv.Addr, "GET", "key:__rand_int__"); got != "VXK" {
		t.Errorf("without -r SET writes key:__rand_int__ = redis-benchmark's value; got %q", got)
	}
	if got := do(t, srv.Addr, "ZCARD", "myzset"); got != "1" {
		t.Errorf("ZCARD myzset = %s, want 1: without -r ZADD adds one member", got)
	}
}

// Ensure that a command given instead of the suite runs, that its error
// replies are counted and shown, and that the quiet format is
// redis-benchmark's.
func TestRun_CommandWithErrors(t *testing.T) {
	_, addr := photon(t, nil)
	do(t, addr, "SET", "word", "abc")
	var out bytes.Buffer
	cfg := config(addr, &out)
	cfg.Format = bench.Quiet
	cfg.Command = []string{"INCR", "word"}
	results, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := results[0]
	if r.Test != "INCR word" || r.Errors != cfg.Requests || r.FirstError != "ERR value is not an integer or out of range" {
		t.Errorf("result %q: %d errors, first %q; want INCR word, %d errors, ERR value is not an integer...", r.Test, r.Errors, r.FirstError, cfg.Requests)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "INCR word: ") || !strings.HasSuffix(lines[0], " msec") || !strings.Contains(lines[0], " requests per second, p50=") {
		t.Errorf("quiet line %q, want redis-benchmark's form", lines[0])
	}
	if !strings.Contains(lines[1], "1001 of the replies were errors; the first: ERR value is not an integer") {
		t.Errorf("the errors are not reported: %q", out.String())
	}
}

// Ensure that -a and --dbnum prepare every connection, and that a wrong
// password stops the run with the server's words.
func TestRun_AuthAndDB(t *testing.T) {
	_, addr := photon(t, nil)
	do(t, addr, "CONFIG", "SET", "requirepass", "sesame")
	var out bytes.Buffer
	cfg := config(addr, &out)
	cfg.Format = bench.Text
	cfg.Tests = []string{"set"}
	cfg.Password = "wrong"
	if _, err := bench.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
		t.Fatalf("wrong password: %v, want the server's WRONGPASS", err)
	}
	cfg.Password, cfg.DB = "sesame", 3
	results, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, results[0], cfg.Requests)
	c, _ := client.Dial(addr)
	defer c.Close()
	c.Do("AUTH", "sesame")
	c.Do("SELECT", "3")
	if v, _ := c.Do("DBSIZE"); v.Int != 1 {
		t.Errorf("DBSIZE of db 3 = %v, want 1 (key:__rand_int__)", v)
	}
	for _, want := range []string{"====== SET ======", "  1001 requests completed in ", "  5 parallel clients", "  3 bytes payload",
		"  pipeline: 4", "  throughput summary: ", "p99.9"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, out.String())
		}
	}
}

// Ensure that --tls connects to a TLS listener and checks its
// certificate.
func TestRun_TLS(t *testing.T) {
	cert, pool := selfSigned(t)
	_, addr := photon(t, &tls.Config{Certificates: []tls.Certificate{cert}})
	cfg := config(addr, io.Discard)
	cfg.Tests = []string{"ping_mbulk", "get"}
	cfg.TLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	results, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		checkResult(t, r, cfg.Requests)
	}
	cfg.TLS = &tls.Config{ServerName: "127.0.0.1"} // the system's roots do not know it
	if _, err := bench.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "TLS") {
		t.Errorf("unknown certificate: %v, want a TLS error", err)
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "photon bench test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// fakeServer accepts connections and hands each to serve.
func fakeServer(t testing.TB, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln.Addr().String()
}

// Ensure that a server that hangs up, or answers what is not RESP, ends
// the run with an error that says so, and that a cancelled context ends
// a run whose server never answers.
func TestRun_Failures(t *testing.T) {
	cases := []struct {
		name  string
		serve func(net.Conn)
		want  string
	}{
		{"hangs up", func(c net.Conn) { bufio.NewReader(c).ReadByte(); c.Close() }, "the server closed the connection"},
		{"not RESP", func(c net.Conn) {
			bufio.NewReader(c).ReadByte()
			c.Write([]byte("HTTP/1.1 400\r\n"))
			io.Copy(io.Discard, c)
		}, "unknown reply type 'H'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(fakeServer(t, tc.serve), io.Discard)
			cfg.Tests = []string{"set"}
			_, err := bench.Run(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "SET: ") {
				t.Errorf("Run: %v, want an error about SET saying %q", err, tc.want)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		cfg := config(fakeServer(t, func(c net.Conn) { io.Copy(io.Discard, c) }), io.Discard)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := bench.Run(ctx, cfg)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Errorf("Run: %v after %v, want the deadline's error at once", err, time.Since(start))
		}
	})
	t.Run("nothing listens", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		_, err := bench.Run(context.Background(), config(addr, io.Discard))
		if err == nil || !strings.Contains(err.Error(), "could not connect to "+addr) {
			t.Errorf("Run: %v, want could not connect", err)
		}
	})
}

// Ensure that Validate names the setting that is wrong.
func TestConfig_Validate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*bench.Config)
		want   string
	}{
		{"no port", func(c *bench.Config) { c.Addr = "localhost" }, "server address"},
		{"no clients", func(c *bench.Config) { c.Clients = 0 }, "-c 0"},
		{"no requests", func(c *bench.Config) { c.Requests = 0 }, "-n 0"},
		{"pipeline", func(c *bench.Config) { c.Pipeline = -1 }, "-P -1"},
		{"data size", func(c *bench.Config) { c.DataSize = 0 }, "-d 0"},
		{"keyspace", func(c *bench.Config) { c.KeySpace = -5 }, "-r -5"},
		{"db", func(c *bench.Config) { c.DB = -1 }, "--dbnum -1"},
		{"user without password", func(c *bench.Config) { c.User = "bob" }, "--user needs a password"},
		{"unknown test", func(c *bench.Config) { c.Tests = []string{"sett"} }, `unknown test "sett"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := bench.Defaults()
			tc.change(&cfg)
			if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate: %v, want an error saying %q", err, tc.want)
			}
		})
	}
	cfg := bench.Defaults()
	if err := cfg.Validate(); err != nil {
		t.Errorf("the defaults: %v", err)
	}
}
