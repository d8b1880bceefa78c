package server

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
)

// LoadTLSConfig returns the server's TLS configuration from PEM files, as
// Redis builds it from tls-cert-file, tls-key-file and tls-ca-cert-file:
// TLS 1.2 and 1.3 (Redis's default tls-protocols).
//
// With a CA file, clients must present a certificate that CA signed, as
// under Redis's default tls-auth-clients yes. Without one, clients are
// not asked for a certificate, as under tls-auth-clients no; Redis
// instead refuses to start without a CA unless tls-auth-clients is no.
//
// Errors name the file at fault. Serve the result with
// srv.Serve(tls.NewListener(ln, cfg)).
func LoadTLSConfig(certFile, keyFile, caCertFile string) (*tls.Config, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("tls-cert-file: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("tls-key-file: %w", err)
	}
	if !hasPEM(certPEM, "CERTIFICATE") {
		return nil, fmt.Errorf("tls-cert-file %s: no PEM certificate in it", certFile)
	}
	if !hasPEM(keyPEM, "PRIVATE KEY") {
		return nil, fmt.Errorf("tls-key-file %s: no PEM private key in it", keyFile)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("tls-cert-file %s and tls-key-file %s: %w", certFile, keyFile, err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
	}
	if caCertFile == "" {
		return cfg, nil
	}
	caPEM, err := os.ReadFile(caCertFile)
	if err != nil {
		return nil, fmt.Errorf("tls-ca-cert-file: %w", err)
	}
	pool := x509.NewCertPool()
	if !hasPEM(caPEM, "CERTIFICATE") || !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("tls-ca-cert-file %s: no PEM certificate in it", caCertFile)
	}
	cfg.ClientCAs = pool
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	return cfg, nil
}

// hasPEM reports whether data holds a PEM block whose type ends in kind
// ("PRIVATE KEY" matches "EC PRIVATE KEY" and "RSA PRIVATE KEY").
func hasPEM(data []byte, kind string) bool {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return false
		}
		if strings.HasSuffix(b.Type, kind) {
			return true
		}
	}
}
