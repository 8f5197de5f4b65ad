package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/progress"
	"github.com/normtag/normtag/internal/termsafe"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/isolate"
	"github.com/normtag/normtag/pipeline/remote"
	"github.com/normtag/normtag/pipeline/tag"
)

// analyser is ingest's extraction: the coordinator's workers with --nats,
// else (nil) the local extraction pool.
func analyser(coord *remote.Coordinator) pipeline.Analyser {
	if coord == nil {
		return nil
	}
	return coord
}

func ingestCommand() *cli.Command {
	return &cli.Command{
		Name:      "ingest",
		Usage:     "extract, tag, store and index files and folders (recursively)",
		ArgsUsage: "PATH...",
		Description: "Documents are identified by the SHA-256 of their bytes: re-ingesting the same files adds nothing,\n" +
			"and files whose path, size and modification time are unchanged are not even read again.\n" +
			"Every PDF and DOCX is parsed in a child process with a time and memory limit; a file that\n" +
			"cannot be read is reported with a reason code and skipped, and the run goes on.\n" +
			"A metadata.csv in a folder (file,submitter,submitter_type,country,date,title) sets documents' metadata;\n" +
			"its mistakes are warnings, listed without ingesting by --check-metadata.\n" +
			"Exit codes: 0 all files stored or unchanged; 1 some files failed; 2 usage or fatal error.",
		Flags: append(append([]cli.Flag{
			dataFlag(),
			&cli.IntFlag{Name: "workers", Value: runtime.NumCPU(), Usage: "files extracted in parallel"},
			&cli.DurationFlag{Name: "timeout", Value: isolate.DefaultTimeout, Usage: "time limit for extracting one file (CPU time is capped at twice this plus 10s, except on Windows)"},
			&cli.Int64Flag{Name: "max-file-size", Value: extract.DefaultMaxFileSize, Usage: "skip files larger than this many bytes (reason too-large)"},
			&cli.Int64Flag{Name: "max-text-size", Value: extract.DefaultMaxTextSize, Usage: "skip documents yielding more than this many bytes of text (reason too-large)"},
			&cli.IntFlag{Name: "max-passages", Value: pipeline.DefaultMaxPassages, Usage: "skip documents of more than this many passages (reason too-large)"},
			&cli.Int64Flag{Name: "memory-limit", Value: isolate.DefaultMemoryLimit, Usage: "memory cap in bytes for each extraction process (address space on Unix, a job object on Windows)"},
			&cli.StringFlag{Name: "password", Usage: "password for encrypted PDFs", EnvVars: []string{"NORMTAG_PDF_PASSWORD"}},
			&cli.StringFlag{Name: "rules", Usage: "rules file, or \"default\" for the built-in rules (default: the rules the data directory remembers from retag --rules, else the built-in rules)"},
			&cli.BoolFlag{Name: "prune", Usage: "remove stored documents whose files under the given folders are gone"},
			&cli.BoolFlag{Name: "retry-failed", Usage: "re-extract files that failed before even if unchanged"},
			&cli.BoolFlag{Name: "json", Usage: "print progress and the summary as JSON lines"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the summary and errors that stop the run (no progress, no per-file failures)"},
			&cli.StringFlag{Name: "report", Usage: "write a JSON report of the run (counts, failures, durations, rules version) to this file"},
			&cli.BoolFlag{Name: "check-metadata", Usage: "only check the metadata.csv files under the given paths and report their problems (exit 1 if any); nothing is ingested or written"},
			lockWaitFlag(),
			formatFlag("text", "json"),
			&cli.BoolFlag{Name: "shared-fs", Usage: "with --nats: send workers paths instead of file bytes (every worker sees the files at the same paths); --shared-fs=false always sends bytes; unset, files over 256 KiB go by path to workers seen to share this machine's files, each file's SHA-256 checked, and as bytes to the others"},
			&cli.IntFlag{Name: "jobs", Value: 256, Usage: "with --nats: the most files sent to workers and not yet answered"},
			&cli.IntFlag{Name: "nats-max-deliveries", Value: remote.DefaultMaxDeliveries, Usage: "with --nats: a file whose workers died this many times less one is recorded as crashed"},
			&cli.DurationFlag{Name: "nats-ack-wait", Value: 30 * time.Second, Usage: "with --nats: how long a job may go without word from its worker before another gets it"},
			&cli.IntFlag{Name: "nats-replicas", Value: 1, Usage: "with --nats: copies JetStream keeps of the job stream and file buckets: 3 on a three-node cluster, so that a node may stop during a run (at most the number of servers)"},
		}, natsFlags("NATS server URL(s): extract and tag on `normtag worker` processes instead of here; this process stays the one writer and sends what it stores to search replicas (`serve --follow`)")...), ocrFlags()...),
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			if c.Bool("json") {
				format = "json"
			}
			if c.NArg() == 0 {
				return usagef("ingest needs at least one file or folder")
			}
			if c.Bool("check-metadata") {
				return checkMetadata(c, format)
			}
			// A bad rules file is reported before the data directory is
			// locked and healed. A coordinator (--nats) tags nothing
			// itself: it needs only the rules' version.
			if c.String("nats") == "" {
				prebuildBuiltin(c)
			}
			var rs *ruleSet
			if c.IsSet("rules") {
				if rs, err = readRules(c.String("rules")); err != nil {
					return err
				}
			}
			ocrCfg, err := ocrConfig(c)
			if err != nil {
				return err
			}
			// With --json, status lines, errors and the summary are JSON
			// lines on standard output, as restic prints them; errors also
			// go to standard error as for people.
			progOut := c.App.ErrWriter
			if format == "json" {
				progOut = c.App.Writer
			}
			mode := progressMode(c, format)
			prog := progress.New(progOut, mode)
			// Log lines go through the reporter so that they never land
			// on the end of a progress bar; --quiet leaves only errors.
			logLevel := slog.LevelWarn
			if mode == progress.Quiet {
				logLevel = slog.LevelError
			}
			logOut := io.Writer(prog)
			if format == "json" {
				logOut = c.App.ErrWriter
			}
			log := loggerTo(c, logOut, logLevel)
			pool, err := newExtractPool(c, isolate.Options{
				Workers:     c.Int("workers"),
				Timeout:     c.Duration("timeout"),
				MemoryLimit: c.Int64("memory-limit"),
				Extract:     extract.Options{Password: c.String("password"), MaxFileSize: c.Int64("max-file-size"), MaxTextSize: c.Int64("max-text-size")},
				Logger:      log,
			}.WithOCR(ocrCfg))
			if err != nil {
				return err
			}
			// The children are stopped as soon as every file is
			// extracted (OnExtracted), while the run stores and indexes
			// the last documents; this waits for that, or stops them.
			closePool := sync.OnceValue(pool.Close)
			defer closePool()
			workers := c.Int("workers")
			if c.String("nats") == "" {
				// The children start while the tagger is built and the
				// data directory is opened and healed: they took a
				// core that was idle meanwhile.
				pool.Warm(workers)
			}
			d, err := openCorpusWriter(c)
			if err != nil {
				return err
			}
			defer d.Close()
			if rs == nil {
				if rs, err = rememberedRules(c, d); err != nil {
					return err
				}
			}
			// Still nil: the built-in rules, whose tagger prebuildBuiltin
			// is building. Ingest starts extracting meanwhile and waits
			// for it before it tags or writes anything.
			var coord *remote.Coordinator
			if c.String("nats") != "" {
				names, conn, err := natsConnect(c, "coordinator")
				if err != nil {
					return err
				}
				defer conn.nc.Close()
				// The change feed's stream and the job queue are made
				// at once: the first job waits for both.
				type publishing struct {
					stop func()
					err  error
				}
				published := make(chan publishing, 1)
				go func() {
					stop, err := publishChanges(c, d, names, conn, log)
					published <- publishing{stop, err}
				}()
				// rs nil still: the built-in rules, whose tagger ingest
				// waits for only before it writes; the jobs go out
				// meanwhile.
				var stop func()
				coord, stop, err = startCoordinator(c, names, conn, rs, d.Path, remote.Limits{
					MaxFileSize: c.Int64("max-file-size"), MaxTextSize: c.Int64("max-text-size"), MaxPassages: c.Int("max-passages"),
					Timeout: c.Duration("timeout"), MemoryLimit: c.Int64("memory-limit"),
					OCR: remote.OCRSettings{Mode: c.String("ocr"), Langs: c.String("ocr-lang"),
						PageTimeout: c.Duration("ocr-page-timeout"), Timeout: c.Duration("ocr-timeout")},
				}, prog, mode, log)
				pub := <-published
				if pub.err == nil {
					defer pub.stop()
				}
				if err == nil {
					defer stop()
				}
				if pub.err != nil {
					return pub.err
				}
				if err != nil {
					return err
				}
				workers = c.Int("jobs")
			}
			rulesVersion := ""
			if coord != nil {
				rulesVersion = tag.DefaultVersion()
				if rs != nil {
					rulesVersion = rs.tagger.Version()
				}
			}
			sum, runErr := pipeline.Ingest(c.Context, d, c.Args().Slice(), pipeline.IngestOptions{
				Workers:  workers,
				Analyser: analyser(coord),
				// Set with a coordinator only: the workers tag.
				RulesVersion: rulesVersion,
				Extractor:    pool,
				Tagger:       rs.taggerOrNil(),
				LoadTagger:   func() (*tag.Tagger, error) { return loadTagger(builtinRules) },
				Logger:       log,
				Prune:        c.Bool("prune"),
				RetryFailed:  c.Bool("retry-failed"),
				MaxFileSize:  c.Int64("max-file-size"),
				MaxPassages:  c.Int("max-passages"),
				OnStart:      prog.SetTotal,
				OnExtracted:  func() { closePool() },
				OnResult: func(r pipeline.Result) {
					if coord != nil {
						// Held-back jobs may go (see remote.Coordinator.Stored).
						coord.Stored(r.Path)
					}
					// Each failure is one line, here; the summary counts
					// them by reason, which is all --quiet shows.
					if r.Status == pipeline.StatusFailed {
						line := "normtag: " + failureLine(r.Path, r.Reason, r.Error)
						switch {
						case format == "json":
							fmt.Fprintln(c.App.ErrWriter, line)
							prog.Event(map[string]any{"message_type": "error", "path": r.Path, "reason": r.Reason, "error": r.Error})
						case mode != progress.Quiet:
							prog.Log(line)
						}
					}
					prog.Add(r.Path, r.Pages, r.OCRPages, r.Status == pipeline.StatusFailed)
				},
			})
			prog.Finish()
			if coord != nil && runErr == nil {
				// Committed: the uploaded bytes are no longer needed.
				if err := coord.Cleanup(c.Context); err != nil {
					log.Warn("delete uploaded files from NATS", "err", err)
				}
			}
			if sum != nil {
				if path := c.String("report"); path != "" {
					if err := writeReport(path, sum); err != nil && runErr == nil {
						runErr = err
					}
				}
				if format == "json" {
					writeJSONLine(c.App.Writer, struct {
						Type string `json:"message_type"`
						*pipeline.Summary
					}{"summary", sum})
				} else {
					printIngestSummary(c.App.Writer, sum)
				}
			}
			if runErr != nil {
				return runErr
			}
			if sum.Failed > 0 {
				return partialError{failed: sum.Failed}
			}
			return nil
		},
	}
}

// progressMode picks the progress display: JSON lines for --json, nothing
// for --quiet, a bar on a terminal, periodic lines otherwise.
func progressMode(c *cli.Context, format string) progress.Mode {
	switch {
	case format == "json":
		return progress.JSON
	case c.Bool("quiet"):
		return progress.Quiet
	case isTerminal(c.App.ErrWriter):
		return progress.Bar
	default:
		return progress.Lines
	}
}

// writeReport writes the run's summary as JSON, atomically.
func writeReport(path string, sum *pipeline.Summary) error {
	err := writeAtomic(path, func(f *os.File) error {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	})
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func printIngestSummary(w io.Writer, s *pipeline.Summary) {
	fmt.Fprintf(w, "documents: %d added, %d unchanged, %d failed", s.Added, s.Unchanged, s.Failed)
	if s.Pruned > 0 {
		fmt.Fprintf(w, ", %d pruned", s.Pruned)
	}
	fmt.Fprintf(w, " (%s)\n", s.Duration.Round(time.Millisecond))
	fmt.Fprintf(w, "added: %d pages", s.Pages)
	if s.OCRPages > 0 {
		fmt.Fprintf(w, " (%d read by OCR)", s.OCRPages)
	}
	fmt.Fprintf(w, ", %d passages", s.Passages)
	if s.NearDuplicates > 0 {
		fmt.Fprintf(w, "; %d near-duplicate(s) of earlier documents flagged", s.NearDuplicates)
	}
	fmt.Fprintln(w)
	if s.Added > 0 {
		fmt.Fprintln(w, "tagged passages per norm (added documents):")
		for _, n := range norms.All {
			fmt.Fprintf(w, "  (%s) %-44s %6d\n", n.Letter, n.Short, s.Norms[n.Letter])
		}
	}
	printWatchSummary(w, s.Watches)
	if n := len(s.MetadataWarnings); n > 0 {
		fmt.Fprintf(w, "metadata.csv: %d warning(s); normtag ingest --check-metadata lists them\n", n)
	}
	if s.Failed > 0 {
		byReason := map[string]int{}
		for _, f := range s.Failures {
			byReason[string(f.Reason)]++
		}
		reasons := make([]string, 0, len(byReason))
		for r := range byReason {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		fmt.Fprintln(w, "failed files by reason:")
		for _, r := range reasons {
			fmt.Fprintf(w, "  %-12s %d\n", r, byReason[r])
		}
	}
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeJSONLine(w io.Writer, v any) {
	_ = json.NewEncoder(w).Encode(v)
}

// checkMetadata reports the problems of the metadata.csv files under the
// command's paths without opening the data directory.
func checkMetadata(c *cli.Context, format string) error {
	checked, warnings, errs := pipeline.CheckMetadata(c.Context, c.Args().Slice())
	if format == "json" {
		writeJSONLine(c.App.Writer, struct {
			Type     string                    `json:"message_type"`
			Checked  []string                  `json:"checked"`
			Warnings []pipeline.SidecarWarning `json:"warnings"`
			Errors   int                       `json:"errors"`
		}{"metadata_check", append([]string{}, checked...), append([]pipeline.SidecarWarning{}, warnings...), len(errs)})
	} else {
		for _, w := range warnings {
			fmt.Fprintln(c.App.Writer, termsafe.Line(w.String()))
		}
		fmt.Fprintf(c.App.Writer, "metadata.csv: %d file(s) checked, %d warning(s)\n", len(checked), len(warnings))
	}
	for _, err := range errs {
		fmt.Fprintln(c.App.ErrWriter, "normtag: "+termsafe.Line(err.Error()))
	}
	if n := len(errs) + len(warnings); n > 0 {
		return partialError{failed: n, what: "metadata.csv problems"}
	}
	return nil
}
