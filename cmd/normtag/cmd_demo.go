package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/examples"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/termsafe"
	"github.com/normtag/normtag/internal/textcut"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/isolate"
)

// sampleDir is where demo unpacks the embedded sample corpus, inside the
// data directory, so that the originals stay next to the corpus built
// from them.
const sampleDir = "sample-corpus"

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "ingest the bundled sample corpus and show one cited passage per norm",
		Description: "The sample corpus (fictional OEWG-style submissions in PDF, DOCX, HTML and text) is embedded\n" +
			"in the binary; demo unpacks it into the data directory, ingests it, and searches every norm.",
		Flags: []cli.Flag{dataFlag(), lockWaitFlag()},
		Action: func(c *cli.Context) error {
			dir := filepath.Join(c.String("data"), sampleDir)
			if err := unpackSample(dir); err != nil {
				return err
			}
			w := c.App.Writer
			fmt.Fprintf(w, "Ingesting the sample corpus from %s\n", dir)
			tagger, err := loadTagger("")
			if err != nil {
				return err
			}
			d, err := openData(c, true)
			if err != nil {
				return err
			}
			pool, err := newExtractPool(c, isolate.Options{})
			if err != nil {
				d.Close()
				return err
			}
			sum, err := pipeline.Ingest(c.Context, d, []string{dir}, pipeline.IngestOptions{Tagger: tagger, Extractor: pool, Logger: logger(c),
				OnResult: func(r pipeline.Result) {
					if r.Status == pipeline.StatusFailed {
						fmt.Fprintln(c.App.ErrWriter, "normtag: "+failureLine(r.Path, r.Reason, r.Error))
					}
				}})
			pool.Close()
			d.Close()
			if err != nil {
				return err
			}
			printIngestSummary(w, sum)
			rd, err := openData(c, false)
			if err != nil {
				return err
			}
			defer rd.Close()
			ix, err := rd.OpenIndex(c.Context)
			if err != nil {
				return err
			}
			defer ix.Close()
			fmt.Fprintln(w, "\nOne passage per norm (normtag search --norm X --direct-only, first in document order):")
			for _, n := range norms.All {
				res, err := ix.Search(c.Context, index.Request{Norms: []string{n.Letter}, DirectOnly: true, Limit: 1})
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "\n(%s) %s — %d passage(s)\n", n.Letter, n.Short, res.Total)
				for _, h := range res.Hits {
					fmt.Fprintf(w, "   %s\n   %s\n", citation(h), termsafe.Line(textcut.Abbreviate(h.Text, 260)))
				}
			}
			data := c.String("data")
			fmt.Fprintf(w, "\nNext: normtag search --data %s --norm g \"critical infrastructure\"\n      normtag stats --data %s\n", data, data)
			if sum.Failed > 0 {
				return partialError{failed: sum.Failed}
			}
			return nil
		},
	}
}

// unpackSample writes the embedded sample corpus to dir, leaving files
// that already hold the same bytes untouched (so a second demo run finds
// them unchanged).
func unpackSample(dir string) error {
	return fs.WalkDir(examples.Corpus, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(examples.Corpus, path)
		if err != nil {
			return err
		}
		if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, data) {
			return nil
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return fmt.Errorf("unpack sample corpus: %w", err)
		}
		return nil
	})
}
