package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/export"
	"github.com/normtag/normtag/internal/matrix"
)

// kindsFlag chooses the passage kinds that norm counts count.
func kindsFlag() cli.Flag {
	return &cli.StringFlag{Name: "kinds", Usage: "passage kinds to count: all, or a list of body, heading, note, reference, toc, furniture (default: body,heading)"}
}

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write the document × norm coverage matrix and the norm co-occurrence matrix as CSV, or print one matrix (--kind)",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "out", Value: ".", Usage: "folder for coverage.csv and cooccurrence.csv"},
			&cli.StringFlag{Name: "kind", Usage: "print only one matrix to standard output: coverage, cooccurrence, compare (submitter × norm) or timeline (year × norm)"},
			&cli.StringFlag{Name: "format", Usage: "with --kind compare, timeline or coverage: text (default; coverage's default stays its first CSV), csv or json, with shares and each cell's search"},
			&cli.StringFlag{Name: "sort", Usage: "with --format: sort rows by a norm letter (by share, or count with --counts), passages, or a label column"},
			&cli.BoolFlag{Name: "asc", Usage: "with --sort: smallest first (numbers sort largest first, labels A to Z by default)"},
			&cli.BoolFlag{Name: "counts", Usage: "with --format text: show passage counts, not shares"},
			&cli.StringSliceFlag{Name: "submitter", Usage: "with --kind timeline: only these submitters, named exactly (repeatable)"},
			&cli.StringSliceFlag{Name: "lang", Usage: "with --kind compare or timeline: only passages in this language (repeatable)"},
			&cli.StringFlag{Name: "since", Usage: "with --kind compare or timeline: only documents dated on or after YYYY[-MM[-DD]]"},
			&cli.StringFlag{Name: "until", Usage: "with --kind compare or timeline: only documents dated on or before YYYY[-MM[-DD]]"},
			kindsFlag(),
		},
		Action: func(c *cli.Context) error {
			d, err := openData(c, false)
			if err != nil {
				return err
			}
			defer d.Close()
			kinds, err := corpus.ParseKinds(c.String("kinds"))
			if err != nil {
				return usagef("--kinds: %v", err)
			}
			switch kind := c.String("kind"); kind {
			case "coverage":
				if c.String("format") == "" {
					return export.CoverageCSV(c.Context, c.App.Writer, d.Store, kinds...)
				}
				return reportMatrix(c, d, kind, kinds)
			case "compare", "timeline":
				return reportMatrix(c, d, kind, kinds)
			case "cooccurrence":
				return export.CooccurrenceCSV(c.Context, c.App.Writer, d.Store, kinds...)
			case "":
			default:
				return usagef("--kind must be coverage, cooccurrence, compare or timeline")
			}
			if err := os.MkdirAll(c.String("out"), 0o755); err != nil {
				return err
			}
			// Each file is written beside its name and renamed into place:
			// a failure leaves the previous one.
			for name, write := range map[string]func() error{
				"coverage.csv": func() error {
					return writeAtomic(filepath.Join(c.String("out"), "coverage.csv"), func(f *os.File) error { return export.CoverageCSV(c.Context, f, d.Store, kinds...) })
				},
				"cooccurrence.csv": func() error {
					return writeAtomic(filepath.Join(c.String("out"), "cooccurrence.csv"), func(f *os.File) error { return export.CooccurrenceCSV(c.Context, f, d.Store, kinds...) })
				},
			} {
				if err := write(); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				fmt.Fprintln(c.App.Writer, "wrote", filepath.Join(c.String("out"), name))
			}
			return nil
		},
	}
}

// reportMatrix prints a matrix of package matrix, the same the web pages
// show: compare and timeline are counted from the index, coverage from
// the store.
func reportMatrix(c *cli.Context, d *datadir.Dir, kind string, kinds []corpus.Kind) error {
	format := c.String("format")
	if format == "" {
		format = matrix.Formats[0]
	}
	if !slices.Contains(matrix.Formats, format) {
		return usagef("--format must be one of %s", strings.Join(matrix.Formats, ", "))
	}
	f := matrix.Filter{Kinds: kinds, Since: c.String("since"), Until: c.String("until"), Langs: c.StringSlice("lang"), Submitters: c.StringSlice("submitter")}
	if kind != matrix.KindTimeline && len(f.Submitters) > 0 {
		return usagef("--submitter applies to --kind timeline")
	}
	var m *matrix.Matrix
	var err error
	if kind == matrix.KindCoverage {
		if f.Since != "" || f.Until != "" || len(f.Langs) > 0 {
			return usagef("--since, --until and --lang apply to --kind compare and timeline")
		}
		m, err = matrix.Coverage(c.Context, d.Store, kinds...)
	} else {
		var ix *index.Index
		ix, err = d.OpenIndex(c.Context)
		if errors.Is(err, index.ErrMissing) {
			return fmt.Errorf("nothing is indexed yet: ingest documents first")
		}
		if err != nil {
			return err
		}
		defer ix.Close()
		if kind == matrix.KindTimeline {
			m, err = matrix.Timeline(c.Context, ix, f)
		} else {
			m, err = matrix.Compare(c.Context, ix, f)
		}
	}
	if err != nil {
		return cliError(err)
	}
	sortBy := c.String("sort")
	if sortBy == "" && kind == matrix.KindTimeline {
		sortBy = "year"
	}
	if sortBy != "" {
		desc := !c.Bool("asc") && !slices.Contains(m.Labels, sortBy)
		if err := m.Sort(sortBy, desc, c.Bool("counts"), kind == matrix.KindCompare); err != nil {
			return cliError(err)
		}
	}
	return m.Write(c.App.Writer, format, c.Bool("counts"))
}
