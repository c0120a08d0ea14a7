package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// reap removes a control plane's temp folder if the process that started it dies
// without cleaning up (SIGKILL, or a signal that ends it mid-teardown). Started by the
// launcher beside the components. A normal stop removes the folder itself and then sends
// us SIGUSR1: "nothing to do". Other termination signals are ignored, because test runners
// signal their whole process group while our parent may still be tearing down.
func reap(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: cptool reap DIR")
	}
	dir := args[0]
	parent := os.Getppid()
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	done := make(chan os.Signal, 2)
	signal.Notify(done, syscall.SIGUSR1, syscall.SIGUSR2)
	runtime.LockOSThread()
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGUSR2), 0); errno != 0 {
		return errno
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for os.Getppid() == parent {
		select {
		case sig := <-done:
			if sig == syscall.SIGUSR1 {
				return nil
			}
		case <-tick.C:
		}
	}
	// Orphaned: the components' supervisors got their own death signal and stop their
	// children within 10 s (then SIGKILL). Wait that out before removing their files.
	time.Sleep(11 * time.Second)
	return os.RemoveAll(dir)
}
