// Command testserver serves the contract suite's loopback Git and Helm chart repositories
// over HTTPS, for the real Flux controllers to clone and download from:
//
//	testserver -dir DIR -ca-dir PKI -ready FILE
//
// Git (github.com/fluxcd/pkg/gittestserver, which runs the git CLI) serves DIR/git with
// basic auth and creates a repository on its first push. The Helm repository is DIR/helm
// as static files (index.yaml and chart archives), readable without credentials. Both
// present a certificate for 127.0.0.1 signed by PKI/ca.crt and PKI/ca.key (the control
// plane's test CA), or by a CA of their own written to DIR/ca.crt when PKI has no key.
// The credentials come from the environment (BUN_K8S_GIT_USERNAME, BUN_K8S_GIT_PASSWORD)
// so they never show in a process listing. Once both listen, the URLs are written to FILE
// as JSON.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/fluxcd/pkg/gittestserver"
)

// ready is what the launcher reads from the -ready file.
type ready struct {
	GitURL  string `json:"gitUrl"`
	HelmURL string `json:"helmUrl"`
	CAFile  string `json:"caFile"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("dir", "", "folder for the Git repositories (DIR/git) and the Helm repository (DIR/helm)")
	caDir := flag.String("ca-dir", "", "folder with ca.crt and ca.key to sign the serving certificate (optional)")
	readyFile := flag.String("ready", "", "file the URLs are written to, as JSON, once both servers listen")
	flag.Parse()
	username, password := os.Getenv("BUN_K8S_GIT_USERNAME"), os.Getenv("BUN_K8S_GIT_PASSWORD")
	if *dir == "" || *readyFile == "" || username == "" || password == "" {
		return errors.New("usage: BUN_K8S_GIT_USERNAME=u BUN_K8S_GIT_PASSWORD=p testserver -dir DIR [-ca-dir PKI] -ready FILE")
	}
	gitDir, helmDir := filepath.Join(*dir, "git"), filepath.Join(*dir, "helm")
	for _, d := range []string{gitDir, helmDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	pki, err := servingPKI(*caDir, *dir)
	if err != nil {
		return err
	}

	git := gittestserver.NewGitServer(gitDir).AutoCreate().Auth(username, password)
	if err := git.StartHTTPS(pki.certPEM, pki.keyPEM, pki.caPEM, "127.0.0.1"); err != nil {
		return fmt.Errorf("starting the Git server: %w", err)
	}
	defer git.StopHTTP()

	helm, err := serveHelm(helmDir, pki)
	if err != nil {
		return err
	}
	defer helm.Close()

	out, err := json.Marshal(ready{GitURL: git.HTTPAddress(), HelmURL: "https://" + helm.Addr, CAFile: pki.caFile})
	if err != nil {
		return err
	}
	// Written whole, then renamed: the launcher never reads half a file.
	if err := os.WriteFile(*readyFile+".tmp", out, 0o600); err != nil {
		return err
	}
	if err := os.Rename(*readyFile+".tmp", *readyFile); err != nil {
		return err
	}
	fmt.Printf("git %s, helm https://%s\n", git.HTTPAddress(), helm.Addr)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	return nil
}

// serveHelm serves the chart repository's files on a free loopback port.
func serveHelm(root string, pki *serving) (*http.Server, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	server := &http.Server{
		Addr:              listener.Addr().String(),
		Handler:           http.FileServer(http.Dir(root)),
		TLSConfig:         pki.tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if err := server.ServeTLS(listener, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "testserver: helm:", err)
		}
	}()
	return server, nil
}
