package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKilledIngestLeavesNoChild is the regression test for orphaned
// extraction children: ingest is killed with SIGKILL while its child is
// stuck on a file, and the child must go too, within seconds, rather than
// run on with nobody to stop it.
func TestKilledIngestLeavesNoChild(t *testing.T) {
	bin := binary(t)
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to find the child process")
	}
	src := t.TempDir()
	write(t, filepath.Join(src, "hang.txt"), "The child sleeps on this file (test hook).")
	data := filepath.Join(t.TempDir(), "data")
	ingest := exec.Command(bin, "ingest", "--quiet", "--workers", "1", "--timeout", "10m", "--data", data, src)
	ingest.Env = append(os.Environ(), "NORMTAG_ISOLATE_TEST=1")
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	child := 0
	for deadline := time.Now().Add(30 * time.Second); child == 0 && time.Now().Before(deadline); {
		child = findChild(ingest.Process.Pid)
		time.Sleep(50 * time.Millisecond)
	}
	if child == 0 {
		ingest.Process.Kill()
		ingest.Wait()
		t.Fatal("no extraction child appeared")
	}
	time.Sleep(500 * time.Millisecond) // let it reach the hanging parser
	if !alive(child) {
		t.Fatalf("child %d ended before its parent was killed", child)
	}
	ingest.Process.Kill()
	ingest.Wait()
	for deadline := time.Now().Add(5 * time.Second); alive(child); {
		if time.Now().After(deadline) {
			syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("extraction child %d still running 5s after its parent was killed", child)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// findChild returns the pid of parent's extraction child, or 0.
func findChild(parent int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if ppid, _ := procStat(pid); ppid == parent && bytes.Contains(cmdline, []byte("__extract-child")) {
			return pid
		}
	}
	return 0
}

// alive reports whether pid runs; a zombie nobody reaped has ended.
func alive(pid int) bool {
	_, state := procStat(pid)
	return state != "" && state != "Z" && state != "X"
}

// procStat reads the parent pid and state of pid from /proc.
func procStat(pid int) (ppid int, state string) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, ""
	}
	// The command name in parentheses may hold spaces; fields follow it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0, ""
	}
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0]
}
