// Command normtag turns policy submissions into a searchable corpus tagged
// with the eleven UN GGE 2015 norms of responsible state behaviour.
//
// Exit codes: 0 success; 1 some inputs failed (the rest were processed);
// 2 usage or fatal error.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Untrusted files are parsed by this same binary, run as a hidden
	// subcommand (see cmd_child.go).
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "normtag: find own executable:", err)
		os.Exit(exitFatal)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile(os.Args)
	code := run(ctx, os.Args, os.Stdout, os.Stderr, self)
	stopProfile()
	stop()
	os.Exit(code)
}
