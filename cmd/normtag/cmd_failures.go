package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/termsafe"
)

// reasonNames lists the failure reasons for help and error messages.
func reasonNames() string {
	names := make([]string, len(corpus.Reasons))
	for i, r := range corpus.Reasons {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func failuresCommand() *cli.Command {
	return &cli.Command{
		Name:  "failures",
		Usage: "list the files that could not be stored, with the reason and what went wrong",
		Description: "One line per file (json: one object per file, in a list), by path: reason, path, when it\n" +
			"failed, and the detail. A file that fails again keeps one entry; one stored later loses it.\n" +
			"Reasons: " + reasonNames() + ".",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.StringSliceFlag{Name: "reason", Usage: "only failures with this reason (repeatable), e.g. encrypted"},
			formatFlag("text", "json"),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("failures takes no arguments, got %q", c.Args().First())
			}
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			want := map[corpus.Reason]bool{}
			for _, r := range c.StringSlice("reason") {
				r = strings.TrimSpace(r)
				if !isKnownReason(corpus.Reason(r)) {
					return usagef("--reason must be one of %s, not %q", reasonNames(), r)
				}
				want[corpus.Reason(r)] = true
			}
			d, err := openData(c, false)
			if err != nil {
				return err
			}
			defer d.Close()
			all, err := d.Store.Failures(c.Context)
			if err != nil {
				return err
			}
			out := []corpus.Failure{}
			for _, f := range all {
				if len(want) == 0 || want[f.Reason] {
					out = append(out, f)
				}
			}
			if format == "json" {
				writeJSON(c.App.Writer, out)
				return nil
			}
			printFailures(c.App.Writer, out)
			return nil
		},
	}
}

func isKnownReason(r corpus.Reason) bool { return slices.Contains(corpus.Reasons, r) }

// printFailures writes "reason  path  time  detail", one line per file,
// the path and detail made safe for a terminal (both may come from a
// file's name or content).
func printFailures(w io.Writer, fs []corpus.Failure) {
	if len(fs) == 0 {
		fmt.Fprintln(w, "no failed files")
		return
	}
	for _, f := range fs {
		fmt.Fprintf(w, "%-11s  %s  %s  %s\n", f.Reason, termsafe.Line(f.Path), f.At.Local().Format(time.DateTime), termsafe.Line(f.Detail))
	}
	fmt.Fprintf(w, "%d failed file(s)\n", len(fs))
}
