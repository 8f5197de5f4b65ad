package testbin

import (
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Output collects what a process (or a server goroutine) writes, for a
// test to read while it still runs.
type Output struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

// String returns everything written so far.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// Start runs the normtag binary bin with args until the test ends, when
// it is killed. Its standard error goes to the returned Output, printed
// if the test failed. env, when not nil, is its environment.
func Start(t testing.TB, bin string, env []string, args ...string) (*exec.Cmd, *Output) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	logs := &Output{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("normtag %s (process %d) log:\n%s", strings.Join(args, " "), cmd.Process.Pid, logs.String())
		}
	})
	return cmd, logs
}
