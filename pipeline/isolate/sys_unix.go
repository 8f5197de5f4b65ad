//go:build unix

package isolate

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

// limitMemory caps the address space (so a runaway allocation fails in
// this process only) and tells the Go runtime to collect harder before
// reaching it. The cap counts from what is already mapped: the Go runtime
// reserves about a gigabyte of address space it never touches, and a cap
// below that would kill the child the next time it starts a thread.
func limitMemory(limit int64) {
	capacity := uint64(limit) + addressSpaceInUse()
	lim := &syscall.Rlimit{Cur: capacity, Max: capacity}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, lim); err != nil {
		fmt.Fprintln(os.Stderr, "isolate child: cannot limit memory:", err)
	}
	debug.SetMemoryLimit(limit / 2)
}

// limitCPU lets the next document use at most budget more CPU time than
// the child has used so far. The wall-clock timeout in the parent is the
// first line; this one still holds when the parent is gone.
func limitCPU(budget time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fmt.Fprintln(os.Stderr, "isolate child: cannot read CPU usage:", err)
		return
	}
	used := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	soft := uint64((used + budget + time.Second - 1) / time.Second)
	var cur syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_CPU, &cur); err != nil {
		fmt.Fprintln(os.Stderr, "isolate child: cannot read CPU limit:", err)
		return
	}
	if soft > cur.Max {
		soft = cur.Max
	}
	// Only the soft limit moves: an unprivileged process cannot raise its
	// hard limit again for the next document.
	if err := syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: soft, Max: cur.Max}); err != nil {
		fmt.Fprintln(os.Stderr, "isolate child: cannot limit CPU time:", err)
	}
}

// exitOnCPULimit makes the soft CPU limit fatal: the Go runtime ignores
// SIGXCPU unless asked, and the kernel only kills at the hard limit.
func exitOnCPULimit() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGXCPU)
	go func() {
		<-ch
		fmt.Fprintln(os.Stderr, "isolate child: CPU time limit exceeded")
		os.Exit(exitCPULimit)
	}()
}

// exitWhenOrphaned exits once the parent is gone (the child is then
// re-parented, so its parent id changes). On Linux Pdeathsig already
// kills the child; this covers the other Unix systems.
func exitWhenOrphaned() {
	parent := os.Getppid()
	for range time.Tick(500 * time.Millisecond) {
		if os.Getppid() != parent {
			fmt.Fprintln(os.Stderr, "isolate child: parent exited")
			os.Exit(1)
		}
	}
}

// prepareChild passes the protocol pipes as file descriptors 3 and 4 and
// puts the child in a process group of its own, so that killing it kills
// anything it started too.
func prepareChild(cmd *exec.Cmd, requests, responses *os.File) error {
	cmd.ExtraFiles = []*os.File{requests, responses}
	cmd.Args = append(cmd.Args, "3", "4")
	cmd.SysProcAttr = childSysProcAttr()
	return nil
}

// killChild kills the child's whole process group.
func killChild(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Process.Kill()
}

// jobs needs no state on Unix: limits are set by the child itself.
type jobs struct{}

func newJobs(memoryLimit int64) (*jobs, error) { return &jobs{}, nil }
func (*jobs) add(*exec.Cmd) error              { return nil }
func (*jobs) close()                           {}
