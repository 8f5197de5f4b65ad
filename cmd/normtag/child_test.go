package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/normtag/normtag/pipeline/isolate"
)

// TestExtractChildServedBeforeTheCLI: run serves an extraction child
// without building the CLI when the child command comes first, as a pool
// starts it; a child started wrongly must still say so in the same line
// and exit code as through the CLI, which serves it after global flags.
func TestExtractChildServedBeforeTheCLI(t *testing.T) {
	start := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, &out, &errb, "")
		return code, errb.String()
	}
	// Never a first handle that parses: the child would take that
	// descriptor of this process as its own.
	for _, handles := range [][]string{{}, {"3"}, {"3", "4", "5"}, {"requests", "responses"}} {
		direct, directErr := start(append([]string{"normtag", isolate.ChildCommand}, handles...)...)
		cli, cliErr := start(append([]string{"normtag", "--log-level", "warn", isolate.ChildCommand}, handles...)...)
		if direct != exitFatal || !strings.HasPrefix(directErr, "normtag: "+isolate.ChildCommand) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and a line naming %s", handles, direct, directErr, exitFatal, isolate.ChildCommand)
		}
		if direct != cli || directErr != cliErr {
			t.Errorf("%q: served first: exit %d %q; through the CLI: exit %d %q", handles, direct, directErr, cli, cliErr)
		}
	}
}
