package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
)

func reindexCommand() *cli.Command {
	return &cli.Command{
		Name:  "reindex",
		Usage: "rebuild the search index from the stored corpus",
		Description: "The new index is built beside the live one and swapped in atomically when complete:\n" +
			"searches keep working meanwhile, and an interruption leaves the old index in place.",
		Flags: []cli.Flag{
			dataFlag(),
			lockWaitFlag(),
		},
		Action: func(c *cli.Context) error {
			start := time.Now()
			d, err := openData(c, true)
			if err != nil {
				return err
			}
			defer d.Close()
			if err := d.RebuildIndex(c.Context); err != nil {
				return err
			}
			st, err := d.Store.Stats(c.Context)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "reindexed %d documents, %d passages in %s\n", st.Documents, st.Passages, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}
