package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// fuzzArgs splits fuzzer text into command line words at newlines, the
// way a shell would pass them after quoting.
func fuzzArgs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// FuzzLateFlags runs a command guarded by refuseLateFlags on any words:
// it must not panic, and whenever the command's action runs, none of its
// arguments may be one of its flags (which urfave/cli would have taken
// as a file or query word).
func FuzzLateFlags(f *testing.F) {
	for _, s := range []string{"docs\n--data\nD", "--data=D\ndocs", "x\n--norm=g", "--\n--data", "-\n--", "a\n-n", "--format\njsonl\nq\n-o", "x\n--=y", "-h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := fuzzArgs(s)
		var got []string
		ran := false
		cmd := &cli.Command{
			Name:  "search",
			Flags: append(filterFlags(), &cli.StringFlag{Name: "out", Aliases: []string{"o"}}, formatFlag("text", "json")),
			Action: func(c *cli.Context) error {
				ran, got = true, c.Args().Slice()
				return nil
			},
		}
		names := map[string]bool{"help": true, "h": true}
		for _, fl := range cmd.Flags {
			for _, n := range fl.Names() {
				names[n] = true
			}
		}
		refuseLateFlags([]*cli.Command{cmd})
		app := &cli.App{Name: "normtag", Writer: io.Discard, ErrWriter: io.Discard, Commands: []*cli.Command{cmd},
			ExitErrHandler: func(*cli.Context, error) {}}
		_ = app.Run(append([]string{"normtag", "search"}, args...))
		if !ran {
			return
		}
		for _, a := range got {
			if name, ok := flagName(a); ok && names[name] {
				t.Fatalf("%q: the action got the flag %q as an argument (%q)", args, a, got)
			}
		}
	})
}

// FuzzSearchCommandLine runs `normtag search` with any words after it on
// a data directory without a corpus: whatever the words, the answer is
// help (exit 0) or one line on standard error with exit 2, and nothing on
// standard output, never a panic or a screen of help on a mistake.
func FuzzSearchCommandLine(f *testing.F) {
	for _, s := range []string{"(((((", "--offset\n-3\nx", "--limit\nten", "--norm\nz\nx", "--bogus", "x\n--norm\ng",
		"--since\n2024\n--until\n2020", "--after\n%%%", "--format\nxml", "-h", "title:\"unclosed", "--limit", "*a*", "--sort=size\nq"} {
		f.Add(s)
	}
	data := filepath.Join(f.TempDir(), "none")
	f.Fuzz(func(t *testing.T, s string) {
		args := fuzzArgs(s)
		for _, a := range args {
			// Only this empty data directory, which search only reads.
			if strings.Contains(a, "data") {
				return
			}
		}
		var out, errb bytes.Buffer
		var code int
		finished := make(chan struct{})
		go func() {
			code = run(context.Background(), append([]string{"normtag", "search", "--data", data}, args...), &out, &errb, "")
			close(finished)
		}()
		select {
		case <-finished:
		case <-time.After(10 * time.Second):
			t.Fatalf("%q: search still running after 10 s", args)
		}
		switch code {
		case exitOK:
			if errb.Len() != 0 {
				t.Fatalf("%q: exit 0 with stderr %q", args, errb.String())
			}
		case exitFatal:
			if out.Len() != 0 || strings.Count(errb.String(), "\n") != 1 {
				t.Fatalf("%q: exit 2 with stdout %q and stderr %q; want one line on stderr only", args, out.String(), errb.String())
			}
		default:
			t.Fatalf("%q: exit %d", args, code)
		}
	})
}
