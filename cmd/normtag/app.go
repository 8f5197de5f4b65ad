package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline/isolate"
)

// Exit codes, documented in the README.
const (
	exitOK      = 0
	exitPartial = 1 // some inputs failed; the rest were processed
	exitFatal   = 2 // usage or fatal error
)

// partialError marks a run in which some inputs failed but the command
// otherwise completed; it maps to exit code 1.
type partialError struct {
	failed int
	what   string // default: "input(s) failed"
}

func (e partialError) Error() string {
	if e.what != "" {
		return fmt.Sprintf("%d problem(s): %s", e.failed, e.what)
	}
	return fmt.Sprintf("%d input(s) failed", e.failed)
}

// usageError maps to exit code 2 with the message shown to the user.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run builds the app and runs it, returning the process exit code. Tests
// call it directly. extractChild is the normtag binary that parses
// untrusted files in child processes: main passes its own executable,
// tests a binary they built.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, extractChild string) int {
	if len(args) > 1 && args[1] == isolate.ChildCommand {
		// An extraction child is started once per extraction process and
		// reads no flags: building the whole CLI first (every command and
		// its flags) only added to each child's start-up.
		return exitCode(stderr, isolate.ServeChild(args[2:]))
	}
	app := newApp(stdout, stderr, extractChild)
	return exitCode(stderr, app.RunContext(ctx, args))
}

// exitCode prints err, if any, and returns the exit code it maps to.
func exitCode(stderr io.Writer, err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, new(partialError)):
		fmt.Fprintf(stderr, "normtag: %v\n", err)
		return exitPartial
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "normtag: interrupted; committed work is kept, re-run to continue")
		return exitFatal
	default:
		fmt.Fprintf(stderr, "normtag: %v\n", err)
		return exitFatal
	}
}

func newApp(stdout, stderr io.Writer, extractChild string) *cli.App {
	app := &cli.App{
		Name:  "normtag",
		Usage: "tag policy submissions with the UN GGE 2015 cyber norms and search them",
		Description: "normtag ingests PDF, DOCX, HTML and text submissions, splits them into passages,\n" +
			"tags each passage with the norms (a)-(k) of A/70/174 paragraph 13 it addresses,\n" +
			"stores them in a data directory and serves full-text search by norm.",
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "log-level", Value: "warn", Usage: "log level: debug, info, warn, error", EnvVars: []string{"NORMTAG_LOG_LEVEL"}},
			&cli.BoolFlag{Name: "version", Usage: "print the version, the rules version and the index layout version"},
		},
		Action: rootAction,
		Before: func(c *cli.Context) error {
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(c.String("log-level"))); err != nil {
				return usagef("bad --log-level %q", c.String("log-level"))
			}
			c.App.Metadata = map[string]any{
				"logger":       slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl})),
				"level":        lvl,
				"extractChild": extractChild,
			}
			return nil
		},
		Commands: []*cli.Command{
			demoCommand(),
			ingestCommand(),
			searchCommand(),
			tagCommand(),
			extractCommand(),
			reindexCommand(),
			statsCommand(),
			docsCommand(),
			failuresCommand(),
			retagCommand(),
			checkCommand(),
			rulesCommand(),
			evalCommand(),
			serveCommand(),
			exportCommand(),
			reportCommand(),
			reviewCommand(),
			backupCommand(),
			watchCommand(),
			workerCommand(),
			publishCommand(),
			childCommand(),
		},
		// Errors are printed once, by run, with the right exit code.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsageError("normtag"),
	}
	refuseLateFlags(app.Commands)
	checkFlagValues(app.Commands)
	refuseUnknownSubcommands("normtag", app.Commands)
	setUsageErrors("normtag", app.Commands)
	return app
}

func logger(c *cli.Context) *slog.Logger {
	if l, ok := c.App.Metadata["logger"].(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// loggerTo is a logger like logger(c) that writes to w, at level when
// the user did not choose one with --log-level.
func loggerTo(c *cli.Context, w io.Writer, level slog.Level) *slog.Logger {
	if lvl, ok := c.App.Metadata["level"].(slog.Level); ok && c.IsSet("log-level") {
		level = lvl
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// dataFlag is the --data flag shared by every command that uses a data
// directory.
func dataFlag() cli.Flag {
	return &cli.StringFlag{
		Name:    "data",
		Usage:   "data directory (corpus and index)",
		Value:   datadir.DefaultDataDir,
		EnvVars: []string{"NORMTAG_DATA"},
	}
}

// lockWaitFlag is --lock-wait, for commands that write the data directory.
func lockWaitFlag() cli.Flag {
	return &cli.DurationFlag{Name: "lock-wait", Usage: "how long to wait for another writer on the data directory (default: fail at once)"}
}

func formatFlag(values ...string) cli.Flag {
	return &cli.StringFlag{Name: "format", Value: values[0], Usage: "output format: " + strings.Join(values, ", ")}
}

// checkFormat validates the --format flag against the allowed values.
func checkFormat(c *cli.Context, values ...string) (string, error) {
	f := c.String("format")
	for _, v := range values {
		if f == v {
			return f, nil
		}
	}
	return "", usagef("--format must be one of %s, not %q", strings.Join(values, ", "), f)
}

// openData opens the data directory named by --data.
func openData(c *cli.Context, write bool) (*datadir.Dir, error) {
	var wait time.Duration
	if write {
		wait = c.Duration("lock-wait")
	}
	// Heal takes ingest's --max-passages (0 where there is none: the
	// default).
	d, err := datadir.Open(c.Context, c.String("data"), datadir.Options{Write: write, LockWait: wait, Logger: logger(c), MaxPassages: c.Int("max-passages")})
	if err == nil && !write {
		warnStaleIndex(c, d)
	}
	return d, err
}

// warnStaleIndex tells a reader, on one line of stderr, that an
// interrupted run left the index behind the corpus: searches miss what
// stats count until a writer catches up.
func warnStaleIndex(c *cli.Context, d *datadir.Dir) {
	n, err := d.StaleIndex(c.Context)
	if err != nil {
		logger(c).Warn("cannot tell whether the index is up to date", "err", err)
		return
	}
	if n > 0 {
		fmt.Fprintf(c.App.ErrWriter, "normtag: warning: index is behind the corpus (%d documents); run normtag check --repair or any ingest\n", n)
	}
}
