// Command cptool is the control plane's small helper for the test launcher:
//
//	cptool pki DIR            writes a throwaway PKI (CA, serving and client certificates,
//	                          service-account key pair, a second "rogue" CA) into DIR
//	cptool run [-detach] -- CMD ARGS...
//	                          runs CMD and guarantees it dies with the process that started us
//	cptool reap DIR           removes DIR if the process that started us dies first
//
// It exists because Node and Bun cannot create X.509 certificates, and because a
// test run that is killed must not leave an etcd or kube-apiserver running.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cptool pki DIR | cptool run [-detach] -- CMD ARGS... | cptool reap DIR")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "pki":
		if len(os.Args) != 3 {
			err = fmt.Errorf("usage: cptool pki DIR")
		} else {
			err = writePKI(os.Args[2])
		}
	case "run":
		err = supervise(os.Args[2:])
	case "reap":
		err = reap(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cptool:", err)
		os.Exit(1)
	}
}
