package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/datadir"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "verify that the search index agrees with the stored corpus (and fix it with --repair)",
		Description: "Compares, document by document, the passages in the corpus with those in the index.\n" +
			"Exit code 0 when they agree (or were repaired), 1 when they differ.",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.BoolFlag{Name: "repair", Usage: "re-index missing documents and drop extra ones"},
			lockWaitFlag(),
			formatFlag("text", "json"),
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			// The writer lock, but no healing on open: check looks at the
			// index as it is, and only --repair changes it.
			d, err := datadir.Open(c.Context, c.String("data"), datadir.Options{Write: true, NoHeal: true, LockWait: c.Duration("lock-wait"), Logger: logger(c)})
			if err != nil {
				return err
			}
			defer d.Close()
			rep, err := d.Check(c.Context, c.Bool("repair"))
			if rep == nil {
				return err
			}
			if format == "json" {
				writeJSON(c.App.Writer, rep)
			} else {
				fmt.Fprintf(c.App.Writer, "corpus: %d documents, %d passages; index: %d documents, %d passages\n",
					rep.Documents, rep.Passages, rep.IndexedDocuments, rep.IndexedPassages)
				fmt.Fprintf(c.App.Writer, "missing or incomplete in index: %d; extra in index: %d; pending: %d\n",
					len(rep.Missing), len(rep.Extra), rep.Unindexed)
				if rep.Damaged != "" {
					fmt.Fprintf(c.App.Writer, "index damaged: %s\n", rep.Damaged)
				}
				if rep.Foreign {
					fmt.Fprintln(c.App.Writer, "index built from another corpus store")
				}
				if rep.Repaired {
					fmt.Fprintln(c.App.Writer, "repaired")
				}
				if len(rep.Unindexable) > 0 {
					fmt.Fprintf(c.App.Writer, "stored but not searchable (the index cannot take them): %d\n", len(rep.Unindexable))
					for _, u := range rep.Unindexable {
						fmt.Fprintf(c.App.Writer, "  %s  %s: %s\n", u.ID, u.Path, u.Reason)
					}
				}
			}
			if err != nil {
				return err
			}
			if len(rep.Unindexable) > 0 {
				return partialError{failed: len(rep.Unindexable), what: "documents the index cannot take (fix or remove their files; check --repair tries them again)"}
			}
			if !rep.OK() && !rep.Repaired {
				return partialError{failed: len(rep.Missing) + len(rep.Extra) + rep.Unindexed, what: "index differs from the corpus (run check --repair)"}
			}
			return nil
		},
	}
}
