package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
	"github.com/photondb/photon/server"
)

// pki is a CA and certificates it signed, written as PEM files.
type pki struct {
	dir                   string
	ca                    *x509.Certificate
	caKey                 *ecdsa.PrivateKey
	caFile                string
	serverCert, serverKey string
	clientCert, clientKey string
}

// newPKI makes a CA, a server certificate for 127.0.0.1 and localhost,
// and a client certificate, in a temporary directory.
func newPKI(t testing.TB) *pki {
	t.Helper()
	p := &pki{dir: t.TempDir()}
	p.caKey = newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "photon test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &p.caKey.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	if p.ca, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	p.caFile = writePEM(t, p.dir, "ca.crt", "CERTIFICATE", der)
	p.serverCert, p.serverKey = p.issue(t, "server", x509.ExtKeyUsageServerAuth)
	p.clientCert, p.clientKey = p.issue(t, "client", x509.ExtKeyUsageClientAuth)
	return p
}

// issue writes a certificate signed by the CA and its key, and returns
// their file names.
func (p *pki) issue(t testing.TB, name string, usage x509.ExtKeyUsage) (certFile, keyFile string) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, p.dir, name+".crt", "CERTIFICATE", der), writePEM(t, p.dir, name+".key", "EC PRIVATE KEY", keyDER)
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func writePEM(t testing.TB, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startTLS serves a new engine over TLS with cfg until the test ends.
func startTLS(t testing.TB, cfg *tls.Config, so server.Options) (*server.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, tls.NewListener(ln, cfg), engine.Options{}, so), ln.Addr().String()
}

// tlsPing connects with cfg, sends PING and returns the reply or the
// error that prevented it.
func tlsPing(t testing.TB, addr string, cfg *tls.Config) (string, error) {
	t.Helper()
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	w := resp.NewWriter(c)
	w.WriteCommandStrings("PING")
	if err := w.Flush(); err != nil {
		return "", err
	}
	v, err := resp.NewReader(c).ReadValue()
	if err != nil {
		return "", err
	}
	return show(v), nil
}

// Ensure that the server speaks TLS, and with a CA requires a client
// certificate that CA signed, as Redis's default tls-auth-clients yes.
func TestServer_TLS(t *testing.T) {
	p := newPKI(t)
	other := newPKI(t) // a CA the server does not trust
	roots := x509.NewCertPool()
	roots.AddCert(p.ca)
	clientCert, err := tls.LoadX509KeyPair(p.clientCert, p.clientKey)
	if err != nil {
		t.Fatal(err)
	}
	strangerCert, err := tls.LoadX509KeyPair(other.clientCert, other.clientKey)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		ca     string
		client []tls.Certificate
		ok     bool
	}{
		{"CA, trusted client certificate", p.caFile, []tls.Certificate{clientCert}, true},
		{"CA, no client certificate", p.caFile, nil, false},
		{"CA, client certificate from another CA", p.caFile, []tls.Certificate{strangerCert}, false},
		{"no CA, no client certificate", "", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := server.LoadTLSConfig(p.serverCert, p.serverKey, tc.ca)
			if err != nil {
				t.Fatal(err)
			}
			_, addr := startTLS(t, cfg, server.Options{})
			got, err := tlsPing(t, addr, &tls.Config{RootCAs: roots, Certificates: tc.client, ServerName: "localhost"})
			switch {
			case tc.ok && (err != nil || got != "+PONG"):
				t.Errorf("PING = %q, %v; want +PONG", got, err)
			case !tc.ok && err == nil:
				t.Errorf("PING = %q, want the handshake refused", got)
			}
		})
	}
}

// Ensure that a connection beyond maxclients over TLS is closed before
// its handshake, as Redis closes it.
func TestServer_TLSMaxClients(t *testing.T) {
	p := newPKI(t)
	cfg, err := server.LoadTLSConfig(p.serverCert, p.serverKey, "")
	if err != nil {
		t.Fatal(err)
	}
	_, addr := startTLS(t, cfg, server.Options{MaxClients: 1})
	roots := x509.NewCertPool()
	roots.AddCert(p.ca)
	client := &tls.Config{RootCAs: roots, ServerName: "localhost"}
	first, err := tls.Dial("tcp", addr, client)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if got, err := tlsPing(t, addr, client); err == nil {
		t.Errorf("second client: PING = %q, want the connection closed", got)
	}
}

// Ensure that real redis-cli talks to the server over TLS with a client
// certificate, as it talks to Redis.
func TestServer_TLSRedisCLI(t *testing.T) {
	cli := redistest.Tool(t, "redis-cli")
	p := newPKI(t)
	cfg, err := server.LoadTLSConfig(p.serverCert, p.serverKey, p.caFile)
	if err != nil {
		t.Fatal(err)
	}
	_, addr := startTLS(t, cfg, server.Options{})
	host, port, _ := net.SplitHostPort(addr)
	run := func(args ...string) string {
		t.Helper()
		base := []string{"-h", host, "-p", port, "--tls", "--cacert", p.caFile, "--cert", p.clientCert, "--key", p.clientKey}
		out, err := exec.Command(cli, append(base, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for _, tc := range []struct{ args, want string }{
		{"PING", "PONG"},
		{"SET greeting hello", "OK"},
		{"GET greeting", "hello"},
	} {
		if got := run(strings.Fields(tc.args)...); got != tc.want {
			t.Errorf("redis-cli %s = %q, want %q", tc.args, got, tc.want)
		}
	}
}

// Ensure that LoadTLSConfig's errors name the file at fault.
func TestLoadTLSConfig_Errors(t *testing.T) {
	p := newPKI(t)
	garbage := filepath.Join(p.dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(p.dir, "missing.pem")
	cases := []struct {
		name          string
		cert, key, ca string
		wantIn        string // the file the error must name
		wantNotExist  bool
	}{
		{name: "missing certificate", cert: missing, key: p.serverKey, wantIn: missing, wantNotExist: true},
		{name: "missing key", cert: p.serverCert, key: missing, wantIn: missing, wantNotExist: true},
		{name: "missing CA", cert: p.serverCert, key: p.serverKey, ca: missing, wantIn: missing, wantNotExist: true},
		{name: "certificate not PEM", cert: garbage, key: p.serverKey, wantIn: garbage},
		{name: "key not PEM", cert: p.serverCert, key: garbage, wantIn: garbage},
		{name: "key of another certificate", cert: p.serverCert, key: p.clientKey, wantIn: p.clientKey},
		{name: "CA not PEM", cert: p.serverCert, key: p.serverKey, ca: garbage, wantIn: garbage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := server.LoadTLSConfig(tc.cert, tc.key, tc.ca)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error %q does not name %s", err, tc.wantIn)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tc.wantNotExist {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = %v", err, got)
			}
		})
	}
	for _, tc := range []struct {
		ca   string
		want tls.ClientAuthType
	}{{p.caFile, tls.RequireAndVerifyClientCert}, {"", tls.NoClientCert}} {
		cfg, err := server.LoadTLSConfig(p.serverCert, p.serverKey, tc.ca)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.ClientAuth != tc.want || cfg.MinVersion != tls.VersionTLS12 {
			t.Errorf("CA %q: ClientAuth %v, MinVersion %x", tc.ca, cfg.ClientAuth, cfg.MinVersion)
		}
	}
}
