// Package sampledata gives tests a data directory holding the
// repository's sample corpus, ingested with the real extractors, tagger,
// SQLite store and bleve index, so that packages above the pipeline test
// against the same corpus without each writing the set-up again.
package sampledata

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
	"github.com/normtag/normtag/rules"
)

// Open ingests the sample corpus at corpusDir (examples/corpus, relative
// to the calling test's package) into a new temporary data directory and
// returns that directory opened for reading; it is closed when the test
// ends. The files are our own samples, so they are parsed in process.
func Open(t testing.TB, corpusDir string) *datadir.Dir {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	w, err := datadir.Open(ctx, dir, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tag.Default()
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	sum, err := pipeline.Ingest(ctx, w, []string{corpusDir}, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}})
	w.Close()
	if err != nil || sum.Added < 4 {
		t.Fatalf("ingest %s: %v %+v", corpusDir, err, sum)
	}
	d, err := datadir.Open(ctx, dir, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// ExerciseRules is the built-in rules with one more rule for (g), on
// tabletop and joint exercises: re-tagging the sample corpus with it adds
// (g) tags to the documents that mention them and leaves the rest as
// they were.
func ExerciseRules() []byte {
	return []byte(strings.Replace(string(rules.Default), "  h:\n", `    - name: exercises
      lang: en
      weight: 0.9
      any: ["tabletop exercise(s)", "joint exercise(s)"]
      examples:
        match: ["We run a tabletop exercise every year."]

  h:
`, 1))
}
