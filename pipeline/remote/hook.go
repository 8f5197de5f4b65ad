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

// inPlaceTestHook lets tests hide a file from a worker that otherwise
// sees the coordinator's files, as a worker on another machine with only
// part of them would: files named elsewhere*. Only with -tags
// normtagtest and NORMTAG_REMOTE_TEST=1.
func inPlaceTestHook(name string) bool {
	return os.Getenv("NORMTAG_REMOTE_TEST") == "1" && strings.HasPrefix(filepath.Base(name), "elsewhere")
}
