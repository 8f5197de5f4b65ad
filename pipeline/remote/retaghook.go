//go:build normtagtest

package remote

import (
	"os"
	"strings"
	"time"
)

// retagTestHook lets tests catch a worker in the middle of a retag batch:
// a batch with a passage that says "slowretag" takes four seconds, and
// one with a passage that says "killretag" ends the worker process, as a
// passage that exhausts the machine would. It exists only in binaries
// built with -tags normtagtest and acts only when NORMTAG_REMOTE_TEST=1.
func retagTestHook(docs []RetagDoc) {
	if os.Getenv("NORMTAG_REMOTE_TEST") != "1" {
		return
	}
	for _, d := range docs {
		for _, p := range d.Passages {
			if strings.Contains(p.Text, "killretag") {
				os.Exit(9)
			}
			if strings.Contains(p.Text, "slowretag") {
				time.Sleep(4 * time.Second)
				return
			}
		}
	}
}
