//go:build normtagtest

package remote

import (
	"os"
	"path/filepath"
	"strings"
)

// workerTestHook lets tests kill a worker the way a file that exhausts a
// machine would. It exists only in binaries built with -tags normtagtest
// and acts only when NORMTAG_REMOTE_TEST=1.
func workerTestHook(name string) {
	if os.Getenv("NORMTAG_REMOTE_TEST") != "1" {
		return
	}
	if strings.HasPrefix(filepath.Base(name), "killworker") {
		os.Exit(9)
	}
}
