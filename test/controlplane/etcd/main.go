// Command etcd starts the etcd server at the version k8s.io/kubernetes requires.
// It is a two-line entry point over etcd's own etcdmain package.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
