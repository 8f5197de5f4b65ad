// Package testbin builds the normtag binary for tests that need a real
// process: extraction children, crash and kill tests. It is built once per
// test process, with the normtagtest tag so that the isolate package's
// misbehaviour hooks are available (they act only when a test sets
// NORMTAG_ISOLATE_TEST=1).
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var state struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// Normtag returns the path of a normtag binary built with -tags
// normtagtest, building it on first use; the test fails if it cannot be
// built. Call Cleanup from TestMain after m.Run to remove it.
//
// It also points the compiled-rules cache of every process the test
// starts from then on ($NORMTAG_CACHE_DIR) at a folder beside the binary,
// so that no test reads or fills the user's cache.
func Normtag(t testing.TB) string {
	t.Helper()
	state.once.Do(func() {
		state.dir, state.err = os.MkdirTemp("", "normtag-testbin")
		if state.err != nil {
			return
		}
		// rulecache.EnvDir, spelled out: importing the cache would link
		// the tagger into every package that tests with a binary.
		if state.err = os.Setenv("NORMTAG_CACHE_DIR", filepath.Join(state.dir, "rules-cache")); state.err != nil {
			return
		}
		bin := filepath.Join(state.dir, "normtag")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		cmd := exec.Command("go", "build", "-tags", "normtagtest", "-o", bin, "github.com/normtag/normtag/cmd/normtag")
		// Like the released binary: pure Go, static.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			state.err = fmt.Errorf("go build normtag: %v\n%s", err, out)
			return
		}
		state.bin = bin
	})
	if state.err != nil {
		t.Fatal(state.err)
	}
	return state.bin
}

// Cleanup removes the binary built by Normtag, if any.
func Cleanup() {
	if state.dir != "" {
		os.RemoveAll(state.dir)
	}
}
