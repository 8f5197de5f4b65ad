package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline"
)

// watchMatches is every match of each watch, as `watch new` lists them.
func watchMatches(t *testing.T, bin, data string, names ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, name := range names {
		raw, err := exec.Command(bin, "watch", "new", "--data", data, "--format", "json", "--limit", "10000", name).Output()
		if err != nil {
			t.Fatalf("watch new %s: %v", name, err)
		}
		var res struct {
			Total   int
			Matches []watch.Match
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			t.Fatal(err)
		}
		ids := []string{}
		for _, m := range res.Matches {
			ids = append(ids, m.ID)
		}
		if res.Total != len(ids) {
			t.Fatalf("watch new %s: total %d, %d listed", name, res.Total, len(ids))
		}
		slices.Sort(ids)
		out[name] = ids
	}
	return out
}

// An ingest killed at several points and run again records the same
// matches as an uninterrupted one: none lost, none twice.
func TestKillDuringIngestKeepsWatchMatches(t *testing.T) {
	bin := binary(t)
	src := t.TempDir()
	makeCorpus(t, src, 200)
	addWatches := func(data string) {
		for _, args := range [][]string{{"infra", "infrastructure"}, {"vuln", "--norm", "j"}} {
			if out, err := exec.Command(bin, append([]string{"watch", "add", "--data", data}, args...)...).CombinedOutput(); err != nil {
				t.Fatalf("watch add: %v\n%s", err, out)
			}
		}
	}
	clean := filepath.Join(t.TempDir(), "clean")
	addWatches(clean)
	start := time.Now()
	if out, err := exec.Command(bin, "ingest", "--quiet", "--data", clean, src).CombinedOutput(); err != nil {
		t.Fatalf("clean ingest: %v\n%s", err, out)
	}
	cleanTime := time.Since(start)
	want := watchMatches(t, bin, clean, "infra", "vuln")
	if len(want["infra"]) == 0 || len(want["vuln"]) == 0 {
		t.Fatalf("the corpus should match both watches: %d, %d", len(want["infra"]), len(want["vuln"]))
	}
	interrupted := 0 // runs killed before they stored every file
	for _, frac := range []float64{0.2, 0.5, 0.8} {
		data := filepath.Join(t.TempDir(), fmt.Sprintf("killed%.0f", frac*100))
		addWatches(data)
		cmd := exec.Command(bin, "ingest", "--quiet", "--data", data, src)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(frac * float64(cleanTime)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		report := filepath.Join(t.TempDir(), "report.json")
		if out, err := exec.Command(bin, "ingest", "--quiet", "--data", data, "--report", report, src).CombinedOutput(); err != nil {
			t.Fatalf("re-run after kill at %.0f%%: %v\n%s", frac*100, err, out)
		}
		var sum pipeline.Summary
		if b, err := os.ReadFile(report); err != nil || json.Unmarshal(b, &sum) != nil {
			t.Fatalf("report: %v", err)
		}
		if sum.Added > 0 {
			interrupted++
		}
		got := watchMatches(t, bin, data, "infra", "vuln")
		for name := range want {
			if !slices.Equal(got[name], want[name]) {
				t.Errorf("kill at %.0f%%: watch %s has %d matches, a clean run %d", frac*100, name, len(got[name]), len(want[name]))
			}
		}
	}
	if interrupted == 0 {
		t.Error("no kill interrupted an ingest: the test proved nothing")
	}
}
