package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// serving is the certificate both servers present, and the CA that signed it.
type serving struct {
	certPEM, keyPEM, caPEM []byte
	caFile                 string
	tlsConfig              *tls.Config
}

// servingPKI issues a certificate for 127.0.0.1 and localhost, signed by caDir's CA when
// it has a key, else by a new CA written to outDir/ca.crt.
func servingPKI(caDir, outDir string) (*serving, error) {
	caCert, caKey, caFile, err := loadCA(caDir)
	if err != nil {
		return nil, err
	}
	if caCert == nil {
		if caCert, caKey, err = newCA(); err != nil {
			return nil, err
		}
		caFile = filepath.Join(outDir, "ca.crt")
		if err := os.WriteFile(caFile, pemBlock("CERTIFICATE", caCert.Raw), 0o644); err != nil {
			return nil, err
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "bun-k8s-flux-testserver"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	s := &serving{
		certPEM: pemBlock("CERTIFICATE", der),
		keyPEM:  pemBlock("EC PRIVATE KEY", keyDER),
		caPEM:   pemBlock("CERTIFICATE", caCert.Raw),
		caFile:  caFile,
	}
	pair, err := tls.X509KeyPair(s.certPEM, s.keyPEM)
	if err != nil {
		return nil, err
	}
	s.tlsConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	return s, nil
}

// loadCA reads dir/ca.crt and dir/ca.key; all nil when dir is empty or has no key.
func loadCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, string, error) {
	if dir == "" {
		return nil, nil, "", nil
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, "ca.key"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, "", nil
	} else if err != nil {
		return nil, nil, "", err
	}
	caFile := filepath.Join(dir, "ca.crt")
	certPEM, err := os.ReadFile(caFile)
	if err != nil {
		return nil, nil, "", err
	}
	certBlock, _ := pem.Decode(certPEM)
	keyBlock, _ := pem.Decode(keyPEM)
	if certBlock == nil || keyBlock == nil {
		return nil, nil, "", fmt.Errorf("%s: ca.crt or ca.key is not PEM", dir)
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, nil, "", err
	}
	key, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s/ca.key: %w", dir, err)
	}
	return cert, key, caFile, nil
}

func newCA() (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "bun-k8s-flux-test-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}
