package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/datadir"
)

func backupCommand() *cli.Command {
	return &cli.Command{
		Name:      "backup",
		Usage:     "write a consistent copy of the corpus store to FILE, while searches, the server and even an ingest keep running",
		ArgsUsage: "FILE",
		Description: "The copy holds everything stored when it began (SQLite VACUUM INTO); FILE is written beside\n" +
			"its final name and renamed into place, so it is never a partial copy. The index is not copied:\n" +
			"it is rebuilt from the store. To restore: stop writers, copy FILE to DATA/corpus.db, run\n" +
			"`normtag reindex --data DATA`.",
		Flags: []cli.Flag{dataFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("backup needs one FILE to write the copy to")
			}
			// A reader: the copy needs no lock, and a writer may run.
			d, err := datadir.Open(c.Context, c.String("data"), datadir.Options{Logger: logger(c)})
			if err != nil {
				return err
			}
			defer d.Close()
			path := c.Args().First()
			if err := d.Store.Backup(c.Context, path); err != nil {
				return err
			}
			fmt.Fprintf(c.App.ErrWriter, "normtag: corpus store copied to %s\n", path)
			return nil
		},
	}
}
