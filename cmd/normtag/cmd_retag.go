package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/batchgc"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/termsafe"
	"github.com/normtag/normtag/internal/textcut"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/remote"
	"github.com/normtag/normtag/pipeline/tag"
)

func retagCommand() *cli.Command {
	return &cli.Command{
		Name:  "retag",
		Usage: "re-tag every stored passage with the current (or given) rules, without re-extracting, and update the index",
		Description: "Documents already tagged by the same rules version are skipped unless --all.\n" +
			"Prints, per norm, how many passages gained or lost it, with examples.\n" +
			"--rules FILE is remembered by the data directory (a copy of the file): later ingest and retag runs\n" +
			"without --rules use it, until retag --rules default returns to the built-in rules.\n" +
			"--dry-run shows what would change and changes nothing (not even the remembered rules).\n" +
			"With --nats, `normtag worker` processes do the tagging: this process reads the stored passages in\n" +
			"batches, publishes them as jobs, takes back the tags and compares and writes as a local retag does.",
		Flags: append([]cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "rules", Usage: "rules file, or \"default\" for the built-in rules (default: the rules the data directory remembers, else the built-in rules)"},
			&cli.BoolFlag{Name: "all", Usage: "re-tag documents already tagged by this rules version too"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print what would change, per norm with sample passages, and change nothing"},
			lockWaitFlag(),
			formatFlag("text", "json"),
		}, append(natsFlags("NATS server URL(s): tag on `normtag worker` processes, in batches of stored passages, instead of here; this process stays the one writer and sends what it changes to the corpus's search replicas (`serve --follow`)"), retagNatsFlags()...)...),
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			dry := c.Bool("dry-run")
			// From the start: compiling the rules, which begins now,
			// allocates as much as reading the store.
			defer batchgc.TuneBounded()()
			prebuildBuiltin(c)
			var rs *ruleSet
			if c.IsSet("rules") {
				if rs, err = readRules(c.String("rules")); err != nil {
					return err
				}
			}
			// A dry run reads only: it takes no lock, heals nothing and
			// runs beside an ingest.
			open := openCorpusWriter
			if dry {
				open = func(c *cli.Context) (*datadir.Dir, error) { return openData(c, false) }
			}
			d, err := open(c)
			if err != nil {
				return err
			}
			defer d.Close()
			var names *remote.Names
			var conn *remoteConn
			if c.String("nats") != "" {
				if names, conn, err = natsConnect(c, "retag"); err != nil {
					return err
				}
				defer conn.nc.Close()
			}
			if conn != nil && !dry {
				stop, err := publishChanges(c, d, names, conn, logger(c))
				if err != nil {
					return err
				}
				defer stop()
			}
			var load func() (*tag.Tagger, error)
			switch {
			case rs == nil && (conn == nil || c.Bool("tag-here")):
				// Loaded (from the compiled-rules cache, or built) while
				// the re-tagging starts reading the store.
				load = loadRulesInBackground(c, d)
			case rs == nil:
				// The coordinator hands the rules to the workers first.
				if rs, err = rulesFor(c, d); err != nil {
					return err
				}
			case !dry:
				// Remembered before re-tagging, so that an interrupted run
				// is finished by a plain `retag` with the same rules.
				if err := rememberRules(c.Context, c.App.ErrWriter, d, rs); err != nil {
					return err
				}
			}
			if load == nil {
				load = func() (*tag.Tagger, error) { return rs.tagger, nil }
			}
			opts := pipeline.RetagOptions{All: c.Bool("all"), DryRun: dry, Logger: logger(c)}
			if conn != nil && !c.Bool("tag-here") {
				coord, stop, err := startRetagCoordinator(c, names, conn, rs, format, logger(c))
				if err != nil {
					return err
				}
				defer stop()
				opts.Batches = coord
			}
			sum, err := pipeline.RetagLoading(c.Context, d, load, opts)
			if sum != nil {
				if format == "json" {
					writeJSON(c.App.Writer, sum)
				} else {
					printRetag(c.App.Writer, sum)
				}
			}
			if err == nil && sum != nil && len(sum.NotRetagged) > 0 {
				// Like files that failed in an ingest: the rest is done.
				return partialError{failed: len(sum.NotRetagged), what: "document(s) could not be re-tagged and keep their tags; retag again to retry them"}
			}
			return err
		},
	}
}

// loadRulesInBackground starts choosing and loading the rules as
// rulesFor does and returns a function that waits for their tagger.
func loadRulesInBackground(c *cli.Context, d *datadir.Dir) func() (*tag.Tagger, error) {
	done := make(chan struct{})
	var rs *ruleSet
	var err error
	go func() {
		defer close(done)
		rs, err = rulesFor(c, d)
	}()
	return func() (*tag.Tagger, error) {
		<-done
		if err != nil {
			return nil, err
		}
		return rs.tagger, nil
	}
}

// rememberRules makes rs the rules the data directory tags with from now
// on (forgetting any it remembered, for the built-in rules) and says so
// when that changes anything.
func rememberRules(ctx context.Context, w io.Writer, d *datadir.Dir, rs *ruleSet) error {
	mem, err := d.RememberedRules(ctx)
	if err != nil {
		return err
	}
	if rs.builtin() {
		if mem == nil {
			return nil
		}
		if err := d.RememberRules(ctx, nil); err != nil {
			return err
		}
		fmt.Fprintf(w, "normtag: %s forgets the rules %s (version %s): ingest and retag use the built-in rules again\n", d.Path, mem.Source, mem.Version)
		return nil
	}
	if mem != nil && mem.Version == rs.tagger.Version() {
		return nil
	}
	src := rs.source
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	if err := d.RememberRules(ctx, &datadir.Rules{Data: rs.data, Version: rs.tagger.Version(), Source: src}); err != nil {
		return err
	}
	fmt.Fprintf(w, "normtag: %s remembers the rules %s (version %s): ingest and retag without --rules use them; retag --rules default returns to the built-in rules\n", d.Path, src, rs.tagger.Version())
	return nil
}

func printRetag(w io.Writer, s *pipeline.RetagSummary) {
	if s.DryRun {
		fmt.Fprintf(w, "dry run, nothing changed: re-tagging %d documents (%d passages) with rules %s would change the tags of %d; %d already up to date (%s)\n",
			s.Documents, s.Passages, s.RulesVersion, s.Changed, s.Skipped, s.Duration.Round(time.Millisecond))
	} else {
		fmt.Fprintf(w, "re-tagged %d documents (%d passages) with rules %s, %d with changed tags; %d already up to date (%s)\n",
			s.Documents, s.Passages, s.RulesVersion, s.Changed, s.Skipped, s.Duration.Round(time.Millisecond))
	}
	fmt.Fprintln(w, "passages per norm: +added / -removed")
	for _, n := range norms.All {
		fmt.Fprintf(w, "  (%s) %-44s +%d / -%d\n", n.Letter, n.Short, s.Added[n.Letter], s.Removed[n.Letter])
		ex := s.Examples[n.Letter]
		if ex == nil {
			continue
		}
		for _, e := range ex.Added {
			printRetagExample(w, "+", e)
		}
		for _, e := range ex.Removed {
			printRetagExample(w, "-", e)
		}
	}
	printWatchSummary(w, s.Watches)
	if len(s.NotRetagged) > 0 {
		fmt.Fprintf(w, "not re-tagged, stored tags kept (%d documents; a later retag tries them again):\n", len(s.NotRetagged))
		for _, n := range s.NotRetagged {
			fmt.Fprintf(w, "  %s %s (%d passages): %s\n", n.Doc, termsafe.Line(textcut.Abbreviate(n.Title, 40)), n.Passages, termsafe.Line(n.Reason))
		}
	}
}

func printRetagExample(w io.Writer, sign string, e pipeline.RetagExample) {
	fmt.Fprintf(w, "      %s %s p. %d, passage %d [%s -> %s]: %s\n", sign, termsafe.Line(textcut.Abbreviate(e.Title, 40)), e.Page, e.Passage,
		normList(e.Before), normList(e.After), termsafe.Line(textcut.Abbreviate(e.Text, 110)))
}

func normList(ns []string) string {
	if len(ns) == 0 {
		return "-"
	}
	out := ns[0]
	for _, n := range ns[1:] {
		out += "," + n
	}
	return out
}
