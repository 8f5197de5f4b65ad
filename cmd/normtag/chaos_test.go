package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/rules"
)

// chaosTrials is the number of kill trials run by default: enough for
// every command to be killed at several points in the normal suite.
// NORMTAG_CHAOS_TRIALS raises it (a soak run), NORMTAG_CHAOS_SEED replays
// a logged run.
const chaosTrials = 20

// makeMixedCorpus writes a corpus of text, Markdown and HTML
// submissions, a few PDFs, exact duplicates (the same bytes under a
// second path) and near-duplicates (the same text re-saved with a word
// or two changed), from seed r.
func makeMixedCorpus(t *testing.T, dir string, r *rand.Rand) {
	t.Helper()
	body := func(i int) []string {
		var paras []string
		for p := 0; p < 3+r.IntN(5); p++ {
			var b strings.Builder
			for s := 0; s < 2+r.IntN(4); s++ {
				b.WriteString(themes[r.IntN(len(themes))])
				fmt.Fprintf(&b, " Point %d-%d-%d. ", i, p, r.IntN(1000))
			}
			paras = append(paras, strings.TrimSpace(b.String()))
		}
		return paras
	}
	render := func(kind string, i int, paras []string) string {
		title := fmt.Sprintf("Submission %d of the Republic of Chaosland", i)
		switch kind {
		case "md":
			return "# " + title + "\n\n## Views\n\n" + strings.Join(paras, "\n\n") + "\n"
		case "html":
			var b strings.Builder
			fmt.Fprintf(&b, "<!doctype html><html><head><title>%s</title></head><body><h1>%s</h1>\n", title, title)
			for _, p := range paras {
				fmt.Fprintf(&b, "<p>%s</p>\n", p)
			}
			return b.String() + "</body></html>\n"
		default:
			return title + "\n\n" + strings.Join(paras, "\n\n") + "\n"
		}
	}
	kinds := []string{"txt", "md", "html"}
	for _, sub := range []string{"copies", "resaved"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 240; i++ {
		kind := kinds[i%len(kinds)]
		paras := body(i)
		name := filepath.Join(dir, fmt.Sprintf("sub-%03d.%s", i, kind))
		write(t, name, render(kind, i, paras))
		switch {
		case i%12 == 0: // an exact copy under a second path
			write(t, filepath.Join(dir, "copies", fmt.Sprintf("copy-of-sub-%03d.%s", i, kind)), render(kind, i, paras))
		case i%12 == 6: // re-saved with a small change, beside the first
			// (the two are usually stored in one batch)
			paras[len(paras)-1] += " Revised."
			write(t, filepath.Join(dir, fmt.Sprintf("sub-%03d-v2.%s", i, kind)), render(kind, i, paras))
		case i%12 == 9: // re-saved with a small change, in another folder
			paras[0] = "Revised: " + paras[0]
			write(t, filepath.Join(dir, "resaved", fmt.Sprintf("sub-%03d.%s", i, kind)), render(kind, i, paras))
		}
	}
	for i := 0; i < 6; i++ {
		// Each PDF opens with its own line so that they are distinct
		// documents; the last one is an exact copy of the first.
		n := i % 5
		pages := pdfgen.Pages(1 + n%3)
		pages[0][0] = fmt.Sprintf("Statement %d on critical infrastructure and the supply chain", n)
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("statement-%d.pdf", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := pdfgen.Write(f, pages); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// chaosSnapshot is what a user sees of a data directory: stats, the
// export of every passage, and an export filtered by norms (answered by
// the index's tags, so a stale index shows).
//
// Nothing in them is normalised: stats holds counts only, and an export
// row no timestamp (ingested_at is not exported) and no data-directory
// path (its file is the source path, the same for every run since all
// runs ingest the same folder). Exports are compared line by line in the
// order printed, which the document sort fixes.
type chaosSnapshot struct {
	Stats, Export, ByNorm string
}

func takeChaosSnapshot(t *testing.T, bin, data string) chaosSnapshot {
	t.Helper()
	run := func(args ...string) string {
		t.Helper()
		var stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}
	s := chaosSnapshot{
		Stats:  run("stats", "--data", data, "--format", "json"),
		Export: run("export", "--data", data, "--format", "jsonl"),
		ByNorm: run("export", "--data", data, "--format", "jsonl", "--norm", "c,f,g,j"),
	}
	// The store and the index agree without help: check finds nothing,
	// and the passages the index finds by norm are those whose stored
	// tags carry one of the norms.
	run("check", "--data", data)
	if err := sameNormRows(s.Export, s.ByNorm, "c", "f", "g", "j"); err != nil {
		t.Fatalf("index and store disagree on tags: %v", err)
	}
	return s
}

// sameNormRows checks that the rows of byNorm (an export filtered by the
// index's tags) are exactly the rows of all (every passage, with tags
// read from the store) that carry one of norms.
func sameNormRows(all, byNorm string, norms ...string) error {
	type row struct {
		Doc       string   `json:"doc"`
		Passage   int      `json:"passage"`
		Direct    []string `json:"norms_direct"`
		Inherited []string `json:"norms_inherited"`
	}
	keys := func(jsonl string, keep func(row) bool) (map[string]bool, error) {
		out := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
			if line == "" {
				continue
			}
			var r row
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				return nil, err
			}
			if keep(r) {
				out[fmt.Sprintf("%s/%d", r.Doc, r.Passage)] = true
			}
		}
		return out, nil
	}
	stored, err := keys(all, func(r row) bool {
		for _, n := range append(r.Direct, r.Inherited...) {
			if slices.Contains(norms, n) {
				return true
			}
		}
		return false
	})
	if err != nil {
		return err
	}
	indexed, err := keys(byNorm, func(row) bool { return true })
	if err != nil {
		return err
	}
	for k := range stored {
		if !indexed[k] {
			return fmt.Errorf("passage %s is tagged %v in the store but not found by norm in the index", k, norms)
		}
	}
	for k := range indexed {
		if !stored[k] {
			return fmt.Errorf("passage %s is found by norm in the index but not tagged %v in the store", k, norms)
		}
	}
	return nil
}

// diffSnapshots describes the first difference, for a readable failure.
func diffSnapshots(got, want chaosSnapshot) string {
	var b strings.Builder
	if got.Stats != want.Stats {
		fmt.Fprintf(&b, "stats:\n got %s\nwant %s\n", got.Stats, want.Stats)
	}
	for _, part := range []struct{ name, got, want string }{{"export", got.Export, want.Export}, {"export --norm", got.ByNorm, want.ByNorm}} {
		if part.got == part.want {
			continue
		}
		g, w := strings.Split(part.got, "\n"), strings.Split(part.want, "\n")
		fmt.Fprintf(&b, "%s: %d lines, want %d\n", part.name, len(g), len(w))
		for i := 0; i < len(g) && i < len(w); i++ {
			if g[i] != w[i] {
				fmt.Fprintf(&b, "first difference at line %d:\n got %.300s\nwant %.300s\n", i+1, g[i], w[i])
				break
			}
		}
	}
	return b.String()
}

// copyData copies a data directory at rest, so every trial starts from
// the same state.
func copyData(t *testing.T, from, name string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("cp", "-r", from, to).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	return to
}

// runTimed runs normtag to completion and says how long it took.
func runTimed(t *testing.T, bin string, args ...string) time.Duration {
	t.Helper()
	start := time.Now()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return time.Since(start)
}

// killAfter starts normtag, kills it with SIGKILL after delay and
// reports whether it was still running then.
func killAfter(t *testing.T, bin string, delay time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s ended before the kill: %v", strings.Join(args, " "), err)
		}
		return false
	case <-time.After(delay):
	}
	cmd.Process.Signal(syscall.SIGKILL)
	err := <-done
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true
		}
	}
	return false // it finished between the timer and the signal
}

// loseAndForgeIndexDocs removes a third of the documents from the live
// index and adds one the store does not hold, behind the store's back:
// what lost or foreign index writes look like to check --repair.
func loseAndForgeIndexDocs(t *testing.T, data string, r *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ids, err := d.Store.DocumentIDs(ctx)
	if err != nil || len(ids) == 0 {
		t.Fatalf("document ids: %v (%d)", err, len(ids))
	}
	var drop []string
	for _, id := range ids {
		if r.IntN(3) == 0 {
			drop = append(drop, id)
		}
	}
	foreign, err := d.Store.Document(ctx, ids[r.IntN(len(ids))], corpus.WithPassages)
	if err != nil {
		t.Fatal(err)
	}
	foreign.ID = strings.Repeat("f", 64)
	live, err := d.LiveIndexDir()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(ctx, live, index.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.DeleteDocuments(ctx, drop); err != nil {
		t.Fatal(err)
	}
	if err := ix.IndexDocuments(ctx, []*corpus.Document{foreign}); err != nil {
		t.Fatal(err)
	}
}

// TestChaosKillWritersThenRerunEqualsUninterrupted kills ingest, retag,
// reindex and check --repair with SIGKILL at random points, over a mixed
// corpus with exact and near-duplicates, runs the same command again to
// completion, and requires stats and exports to equal those of an
// uninterrupted run from the same starting state, every time.
func TestChaosKillWritersThenRerunEqualsUninterrupted(t *testing.T) {
	bin := binary(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("NORMTAG_CHAOS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("NORMTAG_CHAOS_SEED: %v", err)
		}
		seed = v
	}
	trials := chaosTrials
	if s := os.Getenv("NORMTAG_CHAOS_TRIALS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < chaosTrials {
			t.Fatalf("NORMTAG_CHAOS_TRIALS=%q: want a number >= %d", s, chaosTrials)
		}
		trials = n
	}
	t.Logf("seed %d (replay with NORMTAG_CHAOS_SEED=%d), %d trials", seed, seed, trials)
	r := rand.New(rand.NewPCG(seed, 12))
	start := time.Now()

	src := t.TempDir()
	makeMixedCorpus(t, src, r)
	// Other rules: every weight halved, so that many tags change.
	other := filepath.Join(t.TempDir(), "rules.yaml")
	write(t, other, strings.ReplaceAll(string(rules.Default), "weight: 0.9", "weight: 0.45"))

	// References: uninterrupted runs from each starting state.
	base := filepath.Join(t.TempDir(), "base")
	ingestTime := runTimed(t, bin, "ingest", "--quiet", "--data", base, src)
	wantBase := takeChaosSnapshot(t, bin, base)
	var baseStats struct {
		Documents      int            `json:"documents"`
		Pages          int            `json:"pages"`
		NearDuplicates int            `json:"near_duplicates"`
		Failed         map[string]int `json:"failed"`
	}
	if err := json.Unmarshal([]byte(wantBase.Stats), &baseStats); err != nil || baseStats.NearDuplicates == 0 {
		t.Fatalf("the corpus has no near-duplicates (%v): the test would not cover them\n%s", err, wantBase.Stats)
	}
	retagged := copyData(t, base, "retagged")
	retagTime := runTimed(t, bin, "retag", "--data", retagged, "--rules", other)
	wantOther := takeChaosSnapshot(t, bin, retagged)
	if wantOther == wantBase {
		t.Fatal("the other rules change nothing: the retag trials would prove nothing")
	}
	// Re-tagging with the rules that tagged the corpus writes nothing and
	// takes less time: kills are timed by its own run.
	retagSameTime := runTimed(t, bin, "retag", "--all", "--data", copyData(t, base, "retagged-same"))
	reindexTime := runTimed(t, bin, "reindex", "--data", copyData(t, base, "reindexed"))
	repaired := copyData(t, base, "repaired")
	loseAndForgeIndexDocs(t, repaired, r)
	repairTime := runTimed(t, bin, "check", "--repair", "--data", repaired)
	if got := takeChaosSnapshot(t, bin, repaired); got != wantBase {
		t.Fatalf("uninterrupted check --repair does not restore the corpus:\n%s", diffSnapshots(got, wantBase))
	}
	t.Logf("corpus: %d documents, %d pages, %d near-duplicates, failures %v", baseStats.Documents, baseStats.Pages, baseStats.NearDuplicates, baseStats.Failed)
	if len(baseStats.Failed) > 0 {
		t.Fatalf("files of the test corpus failed: %v", baseStats.Failed)
	}
	t.Logf("uninterrupted: ingest %s, retag %s (same rules %s), reindex %s, check --repair %s (setup %s)",
		ingestTime.Round(time.Millisecond), retagTime.Round(time.Millisecond), retagSameTime.Round(time.Millisecond), reindexTime.Round(time.Millisecond),
		repairTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	// A kill lands anywhere from process start to about the end of an
	// uninterrupted run.
	delay := func(full time.Duration) time.Duration {
		return time.Duration((0.02 + 1.0*r.Float64()) * float64(full))
	}
	killed := 0
	for i := 0; i < trials; i++ {
		var (
			what     string
			data     string
			args     []string
			want     chaosSnapshot
			full     time.Duration
			setup    func()
			twoKills bool
			// between runs, after the kill, before the command runs again
			between func()
		)
		switch i % 4 {
		case 0:
			data = filepath.Join(t.TempDir(), fmt.Sprintf("ingest-%d", i))
			what, args, want, full = "ingest", []string{"ingest", "--quiet", "--data", data, src}, wantBase, ingestTime
			// Sometimes the re-run is killed too, earlier on.
			twoKills = r.IntN(2) == 0
		case 1:
			data = copyData(t, base, fmt.Sprintf("retag-%d", i))
			what, want, full = "retag", wantOther, retagTime
			switch r.IntN(3) {
			case 0:
				args = []string{"retag", "--data", data, "--rules", other}
				// The next writer is an ingest that finds nothing new: it
				// brings the index up to date with the half-retagged
				// store (checked by the snapshot), and retag then
				// finishes.
				what = "retag, then ingest"
				between = func() {
					runTimed(t, bin, "ingest", "--quiet", "--data", data, src)
					takeChaosSnapshot(t, bin, data)
				}
			case 1:
				args = []string{"retag", "--all", "--data", data, "--rules", other}
			default:
				what, want, full = "retag --all (same rules)", wantBase, retagSameTime
				args = []string{"retag", "--all", "--data", data}
			}
		case 2:
			data = copyData(t, base, fmt.Sprintf("reindex-%d", i))
			what, args, want, full = "reindex", []string{"reindex", "--data", data}, wantBase, reindexTime
		case 3:
			data = copyData(t, base, fmt.Sprintf("repair-%d", i))
			what, args, want, full = "check --repair", []string{"check", "--repair", "--data", data}, wantBase, repairTime
			switch r.IntN(3) {
			case 0:
				what += " (nothing damaged)"
			case 1:
				what += " (index lost documents and gained one)"
				setup = func() { loseAndForgeIndexDocs(t, data, r) }
			default:
				what += " (index directory deleted)"
				setup = func() {
					live, err := datadir.Open(context.Background(), data, datadir.Options{})
					if err != nil {
						t.Fatal(err)
					}
					dir, err := live.LiveIndexDir()
					live.Close()
					if err != nil {
						t.Fatal(err)
					}
					if err := os.RemoveAll(dir); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if setup != nil {
			setup()
		}
		at := delay(full)
		wasKilled := killAfter(t, bin, at, args...)
		note := "finished before the kill"
		if wasKilled {
			killed++
			note = "killed"
		}
		if twoKills {
			second := delay(full) / 3
			if killAfter(t, bin, second, args...) {
				note += fmt.Sprintf(", re-run killed after %s", second.Round(time.Millisecond))
			}
		}
		if between != nil {
			between()
		}
		runTimed(t, bin, args...)
		got := takeChaosSnapshot(t, bin, data)
		t.Logf("trial %2d: %s after %s (%s)", i+1, what, at.Round(time.Millisecond), note)
		if got != want {
			t.Errorf("trial %d: %s killed after %s, then run again: differs from an uninterrupted run\n%s",
				i+1, what, at.Round(time.Millisecond), diffSnapshots(got, want))
		}
	}
	t.Logf("%d of %d trials killed a running process; %s in all", killed, trials, time.Since(start).Round(time.Millisecond))
	// Kills that all land after the end prove nothing.
	if killed < trials/2 {
		t.Errorf("only %d of %d kills hit a running process", killed, trials)
	}
}
