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
			"searches keep working meanwhile, and an interruption leaves the old index in place.\n" +
			"Reindexing is not spread over NATS workers (--nats is refused): " + reindexStaysHere,
		Flags: []cli.Flag{
			dataFlag(),
			lockWaitFlag(),
			// No environment variable: a NORMTAG_NATS_URL set for ingest
			// and retag must not make reindex fail.
			&cli.StringFlag{Name: "nats", Usage: "refused: reindex runs on the writer only (see the description; retag --nats is what workers can share)"},
		},
		Action: func(c *cli.Context) error {
			if c.IsSet("nats") {
				return usagef("reindex --nats: reindexing is not spread over workers: %s", reindexStaysHere)
			}
			start := time.Now()
			d, err := openData(c, true)
			if err != nil {
				return err
			}
			defer d.Close()
			st, err := d.RebuildIndexCounted(c.Context)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "reindexed %d documents, %d passages in %s\n", st.Documents, st.Passages, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

// reindexStaysHere says why reindex has no --nats.
const reindexStaysHere = "its work per passage is bleve's analysis and index building, " +
	"which happen inside the index this process writes; no tagging or extraction is left to move, and sending " +
	"passages to workers and their analysed terms back would cost more than analysing them here. " +
	"Run reindex on the writer's machine; the part workers share is tagging: retag --nats."
