package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/internal/progress"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/remote"
)

// natsFlags are the flags of every command that talks to NATS: the
// server URL (--nats) and natsAccessFlags.
func natsFlags(urlUsage string) []cli.Flag {
	return append([]cli.Flag{&cli.StringFlag{Name: "nats", Usage: urlUsage, EnvVars: []string{"NORMTAG_NATS_URL"}}}, natsAccessFlags()...)
}

// natsAccessFlags say which corpus on the server and how to authenticate;
// serve --follow takes them with its own URL flag. Secrets come from
// flags or the environment and are never printed.
func natsAccessFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "nats-prefix", Value: remote.DefaultPrefix, Usage: "prefix of the NATS streams, buckets and subjects of this corpus (coordinator, workers and replicas must agree)", EnvVars: []string{"NORMTAG_NATS_PREFIX"}},
		&cli.StringFlag{Name: "nats-creds", Usage: "NATS credentials file (JWT and seed)", EnvVars: []string{"NORMTAG_NATS_CREDS"}},
		&cli.StringFlag{Name: "nats-nkey", Usage: "file holding a NATS nkey seed", EnvVars: []string{"NORMTAG_NATS_NKEY"}},
		&cli.StringFlag{Name: "nats-user", Usage: "NATS user name", EnvVars: []string{"NORMTAG_NATS_USER"}},
		&cli.StringFlag{Name: "nats-password", Usage: "NATS password (better through the environment variable)", EnvVars: []string{"NORMTAG_NATS_PASSWORD"}},
		&cli.StringFlag{Name: "nats-ca", Usage: "CA certificate file to trust for NATS TLS", EnvVars: []string{"NORMTAG_NATS_CA"}},
		&cli.StringFlag{Name: "nats-cert", Usage: "client certificate file for NATS TLS", EnvVars: []string{"NORMTAG_NATS_CERT"}},
		&cli.StringFlag{Name: "nats-key", Usage: "client key file for NATS TLS", EnvVars: []string{"NORMTAG_NATS_KEY"}},
	}
}

// natsConnect connects with the command's NATS flags.
func natsConnect(c *cli.Context, role string) (*remote.Names, *remoteConn, error) {
	return natsConnectTo(c, c.String("nats"), role)
}

// natsConnectTo connects to url with the command's natsAccessFlags.
func natsConnectTo(c *cli.Context, url, role string) (*remote.Names, *remoteConn, error) {
	names, err := remote.NewNames(c.String("nats-prefix"))
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	nc, js, err := remote.Connect(remote.ConnOptions{
		URL: url, Name: "normtag " + role,
		CredsFile: c.String("nats-creds"), NkeySeedFile: c.String("nats-nkey"),
		User: c.String("nats-user"), Password: c.String("nats-password"),
		CAFile: c.String("nats-ca"), CertFile: c.String("nats-cert"), KeyFile: c.String("nats-key"),
	})
	if err != nil {
		return nil, nil, err
	}
	return &names, &remoteConn{nc: nc, js: js}, nil
}

func workerCommand() *cli.Command {
	return &cli.Command{
		Name:  "worker",
		Usage: "extract and tag files for `normtag ingest --nats`, and tag stored passages for `normtag retag --nats`, pulling jobs from NATS JetStream",
		Description: "A worker holds no state: it pulls jobs from the corpus's work queue, takes the file's bytes from\n" +
			"the job (files up to 256 KiB) or the object store, or reads the file at the coordinator's path when\n" +
			"it sees the coordinator's files (a probe file the coordinator writes in its data directory tells; each\n" +
			"file's SHA-256 is checked, and one it cannot read there comes through NATS) or the coordinator says\n" +
			"--shared-fs; parses it in a child process under the coordinator's limits, tags it with the\n" +
			"coordinator's rules and stores the result.\n" +
			"It also takes retag's batches of stored passages and tags them with the coordinator's rules (the same\n" +
			"built-in rules or the rules file sent with the job; a batch under rules it cannot make is refused).\n" +
			"It runs until interrupted; a job it was working on then goes to another worker.",
		Flags: append(natsFlags("NATS server URL(s), comma-separated (required)"),
			&cli.IntFlag{Name: "workers", Value: runtime.NumCPU(), Usage: "jobs worked on at once"},
			&cli.StringFlag{Name: "password", Usage: "password for encrypted PDFs", EnvVars: []string{"NORMTAG_PDF_PASSWORD"}},
			&cli.StringFlag{Name: "temp-dir", Usage: "folder for the local copies of files fetched from the object store while they are parsed (default: the system's)"},
			&cli.BoolFlag{Name: "bytes-only", Usage: "take every file's bytes through NATS: never read a file at the coordinator's path, even when this machine sees it"},
		),
		Action: func(c *cli.Context) error {
			if c.String("nats") == "" {
				return usagef("worker needs --nats URL")
			}
			if os.Getenv("GOMAXPROCS") == "" {
				// Parsing runs in child processes; this process tags
				// one document per place at a time and moves messages.
				// More threads than places only spin looking for work:
				// with --workers 1 on 2 cores they cost a tenth of the
				// worker's CPU.
				runtime.GOMAXPROCS(max(1, min(runtime.GOMAXPROCS(0), c.Int("workers"))))
			}
			names, conn, err := natsConnect(c, "worker")
			if err != nil {
				return err
			}
			defer conn.nc.Close()
			exe, _ := c.App.Metadata["extractChild"].(string)
			log := loggerTo(c, c.App.ErrWriter, slog.LevelInfo)
			w := remote.NewWorker(conn.nc, conn.js, remote.WorkerOptions{
				Names: *names, Workers: c.Int("workers"), Executable: exe,
				Password: c.String("password"), TempDir: c.String("temp-dir"), Logger: log,
				Rules: rulesCache(), BytesOnly: c.Bool("bytes-only"),
			})
			if err := w.Run(c.Context); err != nil && c.Context.Err() == nil {
				return err
			}
			return nil
		},
	}
}

// startCoordinator prepares the corpus's queue for an ingest run on conn
// under the rules rs (nil for the built-in rules, whose tagger need not be
// built yet: the coordinator names rules by their bytes); stop reports
// progress no more. The caller closes conn.
func startCoordinator(c *cli.Context, names *remote.Names, conn *remoteConn, rs *ruleSet, dataDir string, limits remote.Limits, prog *progress.Reporter, mode progress.Mode, log *slog.Logger) (coord *remote.Coordinator, stop func(), err error) {
	var rules []byte
	if rs != nil && !rs.builtin() {
		rules = rs.data
	}
	access := remote.AccessDetect
	if c.IsSet("shared-fs") {
		access = remote.AccessBytes
		if c.Bool("shared-fs") {
			access = remote.AccessPaths
		}
	}
	coord, err = remote.NewCoordinator(c.Context, conn.nc, conn.js, remote.CoordinatorOptions{
		Names: *names, Access: access, ProbeDir: dataDir, Limits: limits,
		Rules: rules, Logger: log,
		MaxDeliveries: c.Int("nats-max-deliveries"), AckWait: c.Duration("nats-ack-wait"),
		Replicas: c.Int("nats-replicas"),
	})
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(c.Context)
	done := make(chan struct{})
	go func() {
		defer close(done)
		reportWorkers(ctx, coord, prog, mode)
	}()
	return coord, func() {
		cancel()
		<-done
		coord.Close()
	}, nil
}

// reportWorkers shows now and then how many workers were heard from and
// where the jobs stand.
func reportWorkers(ctx context.Context, coord progressSource, prog *progress.Reporter, mode progress.Mode) {
	if mode == progress.Quiet {
		return
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p := coord.Progress(ctx)
		if mode == progress.JSON {
			prog.Event(struct {
				Type string `json:"message_type"`
				remote.Progress
			}{"workers", p})
			continue
		}
		prog.Log(fmt.Sprintf("workers: %d seen; jobs: %d queued, %d running, %d done", p.Workers, p.Queued, p.Running, p.Done))
	}
}

// progressSource is a coordinator of ingest or retag jobs.
type progressSource interface {
	Progress(context.Context) remote.Progress
}

// remoteConn is a NATS connection with its JetStream context.
type remoteConn struct {
	nc *nats.Conn
	js jetstream.JetStream
}

// A coordinator takes the place of local extraction in ingest --nats.
var _ pipeline.Analyser = (*remote.Coordinator)(nil)
