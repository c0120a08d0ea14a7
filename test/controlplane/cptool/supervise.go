package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// supervise runs a command and ties its life to our parent's: when the parent dies
// (a test runner killed with SIGKILL, say), the kernel sends us SIGTERM through
// PR_SET_PDEATHSIG and we stop the child (`cptool reap` removes the run's temp
// folder), so nothing is left behind. With -detach the tie is not made:
// `npm run cluster:up` uses that to outlive its own command.
func supervise(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	detach := fs.Bool("detach", false, "do not stop the child when our parent exits")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cmdline := fs.Args()
	if len(cmdline) == 0 {
		return fmt.Errorf("run: no command")
	}
	parent := os.Getppid()
	if !*detach {
		// The death signal fires when the creating thread exits, so stay on this thread.
		runtime.LockOSThread()
		if err := prctlDeathSignal(); err != nil {
			return err
		}
		if os.Getppid() != parent || parent == 1 {
			return fmt.Errorf("run: parent already gone")
		}
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)

	cmd := exec.Command(cmdline[0], cmdline[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	select {
	case err := <-done:
		return exitLike(err)
	case <-signals:
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	return nil
}

func exitLike(err error) error {
	if exitErr, ok := err.(*exec.ExitError); ok {
		os.Exit(exitErr.ExitCode())
	}
	return err
}

func prctlDeathSignal() error {
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	if errno != 0 {
		return errno
	}
	return nil
}
