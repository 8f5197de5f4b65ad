package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/pipeline/tag"
)

// oneLine fails the test unless a usage mistake was answered with exit 2,
// nothing on standard output and one line on standard error containing
// every want.
func oneLine(t *testing.T, args []string, want ...string) {
	t.Helper()
	code, out, errs := normtag(t, args...)
	if code != 2 {
		t.Errorf("%q: exit %d, want 2 (stderr %q)", args, code, errs)
	}
	if out != "" {
		t.Errorf("%q: printed on stdout: %q", args, out)
	}
	if n := strings.Count(errs, "\n"); n != 1 {
		t.Errorf("%q: %d lines on stderr, want 1: %q", args, n, errs)
	}
	for _, w := range want {
		if !strings.Contains(errs, w) {
			t.Errorf("%q: stderr %q does not contain %q", args, errs, w)
		}
	}
}

// TestBadFlagValuesAreUsageErrors: negative, zero and absurd numbers and
// durations used to be replaced silently by defaults (--workers -5 ran
// with every CPU); now each is refused naming the flag before anything is
// written.
func TestBadFlagValuesAreUsageErrors(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "good.txt"), "Our national CERT is never used for attacks on other States.")
	data := filepath.Join(t.TempDir(), "d")
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--workers", []string{"ingest", "--workers", "-5"}},
		{"--workers", []string{"ingest", "--workers", "0"}},
		{"--timeout", []string{"ingest", "--timeout", "-1s"}},
		{"--timeout", []string{"ingest", "--timeout", "0s"}},
		{"--timeout", []string{"ingest", "--timeout", "1ns"}},
		{"--memory-limit", []string{"ingest", "--memory-limit", "1"}},
		{"--memory-limit", []string{"ingest", "--memory-limit", "-1"}},
		{"--max-file-size", []string{"ingest", "--max-file-size", "0"}},
		{"--max-file-size", []string{"ingest", "--max-file-size", "-100"}},
		{"--lock-wait", []string{"ingest", "--lock-wait", "-1s"}},
		{"--lock-wait", []string{"retag", "--lock-wait", "-1s"}},
		{"--lock-wait", []string{"reindex", "--lock-wait", "-1m"}},
		{"--lock-wait", []string{"check", "--lock-wait", "-1s"}},
		{"--lock-wait", []string{"demo", "--lock-wait", "-1s"}},
		{"--workers", []string{"ingest", "--workers", "many"}},
		{"--addr", []string{"serve", "--addr", "127.0.0.1:99999"}},
		{"--addr", []string{"serve", "--addr", "127.0.0.1:-1"}},
		{"--addr", []string{"serve", "--addr", "localhost"}},
	} {
		args := append(append([]string(nil), tc.args...), "--data", data)
		if tc.args[0] == "ingest" {
			args = append(args, src)
		}
		oneLine(t, args, tc.flag)
	}
	oneLine(t, []string{"extract", "--timeout", "-1s", filepath.Join(src, "good.txt")}, "--timeout")
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a refused command created %s", data)
	}
	// The bounds themselves are accepted.
	if code, _, errs := normtag(t, "ingest", "--quiet", "--workers", "1", "--timeout", "1s", "--memory-limit", "268435456", "--lock-wait", "0s", "--data", data, src); code != 0 {
		t.Fatalf("ingest at the bounds: exit %d: %s", code, errs)
	}
}

// TestEveryNumericFlagHasARange walks every command so that a numeric or
// duration flag added later cannot go unchecked.
func TestEveryNumericFlagHasARange(t *testing.T) {
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			walk(path+" "+cmd.Name, cmd.Subcommands)
			for _, f := range cmd.Flags {
				name := f.Names()[0]
				switch f.(type) {
				case *cli.IntFlag, *cli.Int64Flag:
					if _, ok := intBounds[name]; !ok {
						t.Errorf("%s --%s has no range in intBounds", path+" "+cmd.Name, name)
					}
				case *cli.DurationFlag:
					if _, ok := durationBounds[name]; !ok {
						t.Errorf("%s --%s has no range in durationBounds", path+" "+cmd.Name, name)
					}
				case *cli.UintFlag, *cli.Uint64Flag, *cli.Float64Flag, *cli.IntSliceFlag, *cli.Int64SliceFlag, *cli.Float64SliceFlag:
					t.Errorf("%s --%s: checkFlagValue does not know this flag type", path+" "+cmd.Name, name)
				}
			}
		}
	}
	walk("normtag", newApp(io.Discard, io.Discard, "").Commands)
}

// TestUnknownCommandOrFlagIsOneLine: an unknown command used to answer
// "No help topic", an unknown flag 29 lines of help on standard output.
func TestUnknownCommandOrFlagIsOneLine(t *testing.T) {
	oneLine(t, []string{"serch", "hospitals"}, `unknown command "serch"`, `did you mean "search"?`, "normtag --help")
	oneLine(t, []string{"xyzzy"}, `unknown command "xyzzy"`, "normtag --help")
	oneLine(t, []string{"rules", "tset"}, `unknown command "tset"`, `did you mean "test"?`, "normtag rules --help")
	oneLine(t, []string{"search", "--bogus", "x"}, "search: unknown flag --bogus", "normtag search --help")
	oneLine(t, []string{"rules", "explain", "--bogus", "x"}, "unknown flag --bogus", "normtag rules explain --help")
	oneLine(t, []string{"--bogus"}, "unknown flag --bogus", "normtag --help")
	oneLine(t, []string{"search", "--limit"}, "--limit needs a value")
}

// TestVersionNamesRulesAndIndexLayout: --version used to be an unknown
// flag.
func TestVersionNamesRulesAndIndexLayout(t *testing.T) {
	code, out, errs := normtag(t, "--version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rules, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"normtag ", "rules version: " + rules.Version(), "index layout version: " + index.MappingVersion} {
		if !strings.Contains(out, want) {
			t.Errorf("--version printed %q, want a line with %q", out, want)
		}
	}
}

// TestFailureSaidOnceWithoutDoubledPrefixes: extract and tag of a missing
// file said "unreadable: unreadable:" or "not a regular file", and ingest
// printed each failure twice (a log line and a normtag line) with the path
// repeated in each.
func TestFailureSaidOnceWithoutDoubledPrefixes(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nonexistent.pdf")
	corrupt := filepath.Join(dir, "corrupt.pdf")
	write(t, corrupt, "%PDF-1.7\nnot a pdf at all\n%%EOF")
	write(t, filepath.Join(dir, "good.txt"), "We protect critical infrastructure such as hospitals.")
	once := func(what, errs, path string, reason corpus.Reason) {
		t.Helper()
		if n := strings.Count(errs, path); n != 1 {
			t.Errorf("%s: %s named %d times, want once:\n%s", what, path, n, errs)
		}
		if n := strings.Count(errs, string(reason)); n != 1 {
			t.Errorf("%s: reason %s said %d times, want once:\n%s", what, reason, n, errs)
		}
	}
	code, _, errs := normtag(t, "extract", missing)
	if code != 2 || !strings.Contains(errs, missing+": unreadable: no such file") {
		t.Errorf("extract: exit %d, stderr %q; want 2 and %q", code, errs, missing+": unreadable: no such file")
	}
	once("extract", errs, missing, corpus.ReasonUnreadable)
	code, _, errs = normtag(t, "tag", missing)
	if code != 1 || !strings.Contains(errs, missing+": unreadable: no such file") {
		t.Errorf("tag: exit %d, stderr %q", code, errs)
	}
	once("tag", errs, missing, corpus.ReasonUnreadable)

	data := filepath.Join(t.TempDir(), "d")
	code, _, errs = normtag(t, "ingest", "--data", data, dir)
	if code != 1 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	once("ingest", errs, corrupt, corpus.ReasonMalformed)
	// --quiet: the summary (which counts failures by reason) and nothing
	// per file.
	code, out, errs := normtag(t, "ingest", "--quiet", "--retry-failed", "--data", data, dir)
	if code != 1 || strings.Contains(errs, corrupt) || !strings.Contains(out, string(corpus.ReasonMalformed)) {
		t.Errorf("ingest --quiet: exit %d\nstdout %q\nstderr %q\nwant 1, no per-file line, the summary with the reason", code, out, errs)
	}
}
