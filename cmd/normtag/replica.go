package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline/remote"
	"github.com/normtag/normtag/pipeline/replica"
)

// drainWait bounds how long a writer, once done, keeps sending the
// changes its replicas have not been sent yet; what is left waits in
// the store for the next writer run with --nats.
const drainWait = 30 * time.Second

// publishChanges sends the data directory's changes to its search
// replicas while a writer run with --nats works: the ones it makes and
// any an earlier writer without --nats left in the store. It starts once
// the corpus is followed (replica.Followed): a corpus no replica ever
// read keeps its changes in the store, and a replica that starts reading
// during the run gets them within followPoll. stop sends what is left
// and stops.
func publishChanges(c *cli.Context, d *datadir.Dir, names *remote.Names, conn *remoteConn, log *slog.Logger) (stop func(), err error) {
	followed, err := replica.Followed(c.Context, conn.js, *names, replicasFlag(c))
	if err != nil {
		return nil, fmt.Errorf("publish changes to search replicas: %w", err)
	}
	ctx, cancel := context.WithCancel(c.Context)
	done := make(chan struct{})
	var pub *replica.Publisher
	start := func() error {
		var err error
		pub, err = newPublisher(c, d, names, conn, log)
		return err
	}
	// startIfFollowed starts publishing once a replica reads the stream;
	// a failure is logged and leaves pub nil, for the next look.
	startIfFollowed := func(ctx context.Context) {
		if ok, err := replica.Followed(ctx, conn.js, *names, replicasFlag(c)); err != nil || !ok {
			return
		}
		if err := start(); err != nil {
			log.Warn("publish changes to search replicas", "err", err)
			pub = nil
			return
		}
		log.Info("a search replica follows the corpus: sending it the changes")
	}
	if followed {
		if err := start(); err != nil {
			cancel()
			return nil, err
		}
	}
	go func() {
		defer close(done)
		for pub == nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(followPoll):
			}
			startIfFollowed(ctx)
		}
		pub.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
		if pub == nil {
			// One last look: a replica that began to follow after the
			// last one (a run shorter than followPoll, say) would
			// otherwise wait for the next writer run.
			startIfFollowed(c.Context)
		}
		if pub == nil {
			log.Debug("no search replica follows the corpus: its changes wait in the store (normtag publish sends them)")
			return
		}
		left, err := pub.Drain(c.Context, drainWait)
		if err != nil || left > 0 {
			log.Warn("changes not yet sent to search replicas wait in the store for the next writer run with --nats", "changes", left, "err", err)
		}
	}, nil
}

// followPoll is how often a writer run with --nats that has no replica
// looks for one.
const followPoll = 500 * time.Millisecond

// newPublisher turns on the data directory's change feed and readies
// the change stream.
func newPublisher(c *cli.Context, d *datadir.Dir, names *remote.Names, conn *remoteConn, log *slog.Logger) (*replica.Publisher, error) {
	pub, err := replica.NewPublisher(c.Context, conn.js, d.Store, replica.PublisherOptions{
		Names: *names, Replicas: replicasFlag(c), Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("publish changes to search replicas: %w", err)
	}
	return pub, nil
}

// replicasFlag is --nats-replicas where the command has it.
func replicasFlag(c *cli.Context) int {
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == "nats-replicas" {
				return c.Int("nats-replicas")
			}
		}
	}
	return 1
}

// openCorpusWriter opens the data directory named by --data to change
// its corpus; a search replica's is refused (see refuseReplica).
func openCorpusWriter(c *cli.Context) (*datadir.Dir, error) {
	d, err := openData(c, true)
	if err != nil {
		return nil, err
	}
	if err := refuseReplica(c, d); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// refuseReplica stops a command that would change a search replica's
// corpus: a replica takes its documents from the corpus it follows only.
func refuseReplica(c *cli.Context, d *datadir.Dir) error {
	of, err := d.Store.ReplicaOf(c.Context)
	if err != nil {
		return err
	}
	if of != "" {
		return usagef("%s is a search replica (serve --follow): change the corpus it follows, and the replica follows", d.Path)
	}
	return nil
}
