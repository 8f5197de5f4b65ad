package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func publishCommand() *cli.Command {
	return &cli.Command{
		Name:  "publish",
		Usage: "send the changes waiting in the data directory to its search replicas (`serve --follow`) and exit",
		Description: "Writers run with --nats (ingest, retag) send their changes themselves once a replica follows the\n" +
			"corpus; changes made without it (review judgements, a local ingest or --prune), and all changes of a\n" +
			"corpus no replica followed yet, wait in the store until a writer with --nats, or this command, sends\n" +
			"them. The first publish of a corpus sends all of it: run it once for the first replica of a corpus.",
		Flags: append([]cli.Flag{dataFlag(), lockWaitFlag()},
			natsFlags("NATS server URL(s) (required)")...),
		Action: func(c *cli.Context) error {
			if c.String("nats") == "" {
				return usagef("publish needs --nats URL")
			}
			d, err := openCorpusWriter(c)
			if err != nil {
				return err
			}
			defer d.Close()
			names, conn, err := natsConnect(c, "publish")
			if err != nil {
				return err
			}
			defer conn.nc.Close()
			pub, err := newPublisher(c, d, names, conn, logger(c))
			if err != nil {
				return err
			}
			sent, err := pub.Publish(c.Context)
			if err != nil {
				return fmt.Errorf("publish changes (%d sent; the rest wait in the store): %w", sent, err)
			}
			fmt.Fprintf(c.App.Writer, "%d change(s) sent to the search replicas\n", sent)
			return nil
		},
	}
}
