// Command normtag turns policy submissions into a searchable corpus tagged
// with the eleven UN GGE 2015 norms of responsible state behaviour.
//
// Exit codes: 0 success; 1 some inputs failed (the rest were processed);
// 2 usage or fatal error.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/normtag/normtag/pipeline/isolate"
)

func main() {
	// A re-executed copy of this binary serves as an isolated extraction
	// process for the ingest pool; it never returns from here.
	isolate.ServeChildIfRequested()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
