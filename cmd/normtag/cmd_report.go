package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/export"
)

// kindsFlag chooses the passage kinds that norm counts count.
func kindsFlag() cli.Flag {
	return &cli.StringFlag{Name: "kinds", Usage: "passage kinds to count: all, or a list of body, heading, note, reference, toc, furniture (default: body,heading)"}
}

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write the document × norm coverage matrix and the norm co-occurrence matrix as CSV",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "out", Value: ".", Usage: "folder for coverage.csv and cooccurrence.csv"},
			&cli.StringFlag{Name: "kind", Usage: "print only one matrix to standard output: coverage or cooccurrence"},
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
			switch c.String("kind") {
			case "coverage":
				return export.CoverageCSV(c.Context, c.App.Writer, d.Store, kinds...)
			case "cooccurrence":
				return export.CooccurrenceCSV(c.Context, c.App.Writer, d.Store, kinds...)
			case "":
			default:
				return usagef("--kind must be coverage or cooccurrence")
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
