package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/web"
	"github.com/normtag/normtag/pipeline/replica"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the corpus: a read-only JSON API (/api/…) and a web page for searching by norm",
		Description: "Binds to loopback by default. The API is documented at /api/openapi.json.\n" +
			"Search keeps working while another process ingests or reindexes the same data directory.\n" +
			"With --follow, --data is a search replica: it takes the documents of the corpus whose writers run\n" +
			"with --nats from the NATS change stream, a second or so after each commit, and nothing else writes it.",
		Flags: append([]cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "address to listen on"},
			&cli.BoolFlag{Name: "review", Usage: "let analysts record judgements from the page (needs the review token: $" + web.ReviewTokenEnv + ", else one is generated and printed once to stderr)"},
			&cli.StringFlag{Name: "follow", Usage: "NATS server URL(s): keep --data as a search replica of the corpus whose writers run with --nats (same --nats-prefix), and serve it", EnvVars: []string{"NORMTAG_FOLLOW_URL"}},
		}, natsAccessFlags()...),
		Action: func(c *cli.Context) error {
			addr := c.String("addr")
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return usagef("--addr %q: %v", addr, err)
			}
			// Checked here, before the data directory is opened, so that
			// the mistake is a usage error naming the flag (0: any port).
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return usagef("--addr %q: the port must be a number from 0 to 65535", addr)
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				logger(c).Warn("serving beyond this machine: the corpus is readable by anyone who can reach it", "addr", addr)
			}
			ctx := c.Context
			var followed chan error
			if c.String("follow") != "" {
				if c.Bool("review") {
					return usagef("--review records judgements in the data directory; a replica (--follow) takes them from the corpus it follows")
				}
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
				if followed, err = startFollowing(c, ctx, cancel); err != nil {
					return err
				}
			}
			d, err := openData(c, false)
			if err != nil {
				return err
			}
			defer d.Close()
			srv, err := web.New(d, logger(c))
			if err != nil {
				return err
			}
			if c.Bool("review") {
				if err := enableReview(c, srv); err != nil {
					return err
				}
			}
			err = srv.Run(ctx, addr, func(bound string) {
				fmt.Fprintf(c.App.Writer, "normtag serving %s on http://%s/ (Ctrl-C to stop)\n", c.String("data"), bound)
			})
			if followed != nil {
				// The follower ends with the server; its error, if it
				// stopped the server, is the one to report.
				if ferr := <-followed; ferr != nil {
					return ferr
				}
			}
			return err
		},
	}
}

// reviewLockWait is how long a judgement made in the page waits for
// another writer of the data directory before it is refused (503).
const reviewLockWait = 5 * time.Second

// enableReview turns on the server's review mode with the token from the
// environment, or a new one printed once to stderr (never in a URL, so
// that it stays out of logs and browser history).
func enableReview(c *cli.Context, srv *web.Server) error {
	token := os.Getenv(web.ReviewTokenEnv)
	if token != "" && len(token) < web.MinReviewTokenLength {
		return usagef("%s must be at least %d characters", web.ReviewTokenEnv, web.MinReviewTokenLength)
	}
	if token == "" {
		token = web.GenerateReviewToken()
		fmt.Fprintf(c.App.ErrWriter, "normtag: review token (give it at /review to record judgements): %s\n", token)
	}
	data := c.String("data")
	log := logger(c)
	return srv.EnableReview(web.ReviewOptions{Token: token, OpenWriter: func(ctx context.Context) (*datadir.Dir, error) {
		return datadir.Open(ctx, data, datadir.Options{Write: true, LockWait: reviewLockWait, Logger: log})
	}})
}

// startFollowing opens the data directory for writing, as the replica's
// one writer for as long as the server runs, and applies the change
// stream to it. The follower's result comes on the channel once ctx
// ends; an error also cancels ctx, which stops the server.
func startFollowing(c *cli.Context, ctx context.Context, cancel context.CancelFunc) (chan error, error) {
	log := logger(c)
	names, conn, err := natsConnectTo(c, c.String("follow"), "replica")
	if err != nil {
		return nil, err
	}
	wd, err := datadir.Open(ctx, c.String("data"), datadir.Options{Write: true, Logger: log})
	if err != nil {
		conn.nc.Close()
		return nil, err
	}
	f := replica.NewFollower(conn.js, wd, replica.FollowerOptions{Names: *names, Logger: log})
	done := make(chan error, 1)
	go func() {
		err := f.Run(ctx)
		if err != nil {
			log.Error("following the corpus stopped", "err", err)
			cancel()
		}
		wd.Close()
		conn.nc.Close()
		done <- err
	}()
	return done, nil
}
