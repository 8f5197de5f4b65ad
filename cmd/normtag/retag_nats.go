package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/internal/progress"
	"github.com/normtag/normtag/pipeline/remote"
)

// retagNatsFlags are retag's flags for tagging on workers.
func retagNatsFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "tag-here", Usage: "with --nats: tag in this process and only send the changes to search replicas (no workers needed)"},
		&cli.IntFlag{Name: "jobs", Value: 16, Usage: "with --nats: the most batches sent to workers and not yet answered"},
		&cli.IntFlag{Name: "batch-docs", Value: 64, Usage: "with --nats: the most documents in one batch (a batch also holds at most about one NATS message of passage text; a larger document goes alone, through the object store)"},
		&cli.IntFlag{Name: "nats-max-deliveries", Value: remote.DefaultMaxDeliveries, Usage: "with --nats: a batch whose workers died this many times less one is tagged again a document at a time; a document they die on keeps its tags and is listed as not re-tagged"},
		&cli.DurationFlag{Name: "nats-ack-wait", Value: 30 * time.Second, Usage: "with --nats: how long a batch may go without word from its worker before another gets it"},
		&cli.IntFlag{Name: "nats-replicas", Value: 1, Usage: "with --nats: copies JetStream keeps of the retag stream and buckets: 3 on a three-node cluster"},
	}
}

// startRetagCoordinator prepares the corpus's retag queue on conn and
// reports workers and jobs on standard error every 5 s, and once more
// when stopped. The caller closes conn.
func startRetagCoordinator(c *cli.Context, names *remote.Names, conn *remoteConn, rs *ruleSet, format string, log *slog.Logger) (*remote.RetagCoordinator, func(), error) {
	var rules []byte
	if !rs.builtin() {
		rules = rs.data
	}
	coord, err := remote.NewRetagCoordinator(c.Context, conn.nc, conn.js, remote.RetagCoordinatorOptions{
		Names: *names, Rules: rules, RulesVersion: rs.tagger.Version(),
		Replicas: c.Int("nats-replicas"), MaxDeliveries: c.Int("nats-max-deliveries"), AckWait: c.Duration("nats-ack-wait"),
		BatchDocs: c.Int("batch-docs"), InFlight: c.Int("jobs"), Logger: log,
	})
	if err != nil {
		return nil, nil, err
	}
	// The summary alone goes to standard output, as without --nats.
	mode := progress.Lines
	if format == "json" {
		mode = progress.JSON
	}
	prog := progress.New(c.App.ErrWriter, mode)
	ctx, cancel := context.WithCancel(c.Context)
	done := make(chan struct{})
	go func() {
		defer close(done)
		reportWorkers(ctx, coord, prog, mode)
	}()
	go hintNoWorkers(ctx, coord, prog)
	return coord, func() {
		cancel()
		<-done
		if mode == progress.Lines {
			p := coord.Progress(context.WithoutCancel(c.Context))
			prog.Log(fmt.Sprintf("workers: %d seen; retag jobs: %d done", p.Workers, p.Done))
		}
		coord.Close()
	}, nil
}

// noWorkersAfter is how long retag waits for a first worker before it
// says how to start one.
const noWorkersAfter = 15 * time.Second

// hintNoWorkers says once, when jobs wait and no worker has been heard
// from for noWorkersAfter, what retag --nats is waiting for.
func hintNoWorkers(ctx context.Context, coord *remote.RetagCoordinator, prog *progress.Reporter) {
	t := time.NewTicker(noWorkersAfter)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if p := coord.Progress(ctx); p.Workers == 0 && p.Queued > 0 {
			prog.Log("normtag: no worker heard from: retag --nats waits for `normtag worker --nats URL` processes (with the same --nats-prefix); --tag-here tags in this process instead")
			return
		}
	}
}
