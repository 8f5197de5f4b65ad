package main

import (
	"context"
	"encoding/json"
	"github.com/normtag/normtag/internal/sampledata"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
)

// ingestJSON runs ingest --json and returns its summary line.
func ingestJSON(t *testing.T, args ...string) (int, map[string]any) {
	t.Helper()
	code, out, errs := normtag(t, append([]string{"ingest", "--json"}, args...)...)
	var sum map[string]any
	if err := json.Unmarshal([]byte(lastLine(out)), &sum); err != nil {
		t.Fatalf("summary not JSON (exit %d): %q\n%s", code, lastLine(out), errs)
	}
	return code, sum
}

func TestIncrementalIngestPruneDuplicatesAndSidecar(t *testing.T) {
	src := t.TempDir()
	data := filepath.Join(t.TempDir(), "data")
	text := "Norm 9 (paragraph 13 (i)). Our agency audits the supply chain of every ICT product bought by the state, and vendors must disclose their components."
	write(t, filepath.Join(src, "a.txt"), text)
	write(t, filepath.Join(src, "copy-of-a.txt"), text) // same bytes: one document, two paths
	write(t, filepath.Join(src, "b.txt"), "Our national CERT answers requests for assistance from other States within hours.")
	write(t, filepath.Join(src, "metadata.csv"), "file,submitter,submitter_type,country,date,title\nb.txt,Kingdom of Westmark,state,Westmark,2022-05-01,Westmark on response teams\n")

	code, sum := ingestJSON(t, "--data", data, src)
	if code != 0 || sum["added"].(float64) != 2 || sum["unchanged"].(float64) != 1 {
		t.Fatalf("first run: exit %d %v", code, sum)
	}
	res := searchJSON(t, "--data", data, `submitter:"kingdom of westmark"`)
	if res.Total == 0 || res.Hits[0].Title != "Westmark on response teams" || res.Hits[0].Date != "2022-05-01" {
		t.Fatalf("sidecar metadata not applied: %+v", res.Hits)
	}

	// The same text re-saved in different bytes is flagged, not doubled.
	write(t, filepath.Join(src, "a-resaved.txt"), strings.ReplaceAll(text, ". ", ".  ")+"\n")
	// A changed file replaces its previous version.
	time.Sleep(10 * time.Millisecond)
	write(t, filepath.Join(src, "b.txt"), "Our national CERT answers requests for assistance, and it shares vulnerabilities with vendors.")
	_, sum = ingestJSON(t, "--data", data, src)
	if sum["added"].(float64) != 2 || sum["near_duplicates"].(float64) != 1 {
		t.Fatalf("second run: %v", sum)
	}
	st := statsJSON(t, data)
	if st["documents"].(float64) != 3 || st["near_duplicates"].(float64) != 1 {
		t.Fatalf("stats after change: %v", st)
	}
	if res := searchJSON(t, "--data", data, "shares vulnerabilities"); res.Total != 1 {
		t.Fatalf("new version of b.txt not searchable: %d", res.Total)
	}
	if res := searchJSON(t, "--data", data, `"within hours"`); res.Total != 0 {
		t.Fatalf("old version of b.txt still searchable")
	}

	// Prune forgets documents whose files are gone; a document still held
	// by another path stays.
	os.Remove(filepath.Join(src, "a.txt"))
	os.Remove(filepath.Join(src, "a-resaved.txt"))
	_, sum = ingestJSON(t, "--data", data, "--prune", src)
	if sum["pruned"].(float64) != 1 {
		t.Fatalf("prune: %v", sum)
	}
	st = statsJSON(t, data)
	if st["documents"].(float64) != 2 {
		t.Fatalf("after prune: %v", st)
	}
	if res := searchJSON(t, "--data", data, "--norm", "i"); res.Total == 0 || res.Hits[0].File != "a.txt" && res.Hits[0].File != "copy-of-a.txt" {
		t.Fatalf("document held by copy-of-a.txt lost: %+v", res)
	}
	if code, out, _ := normtag(t, "check", "--data", data); code != 0 {
		t.Fatalf("check: %d %s", code, out)
	}
}

func TestCheckFindsAndRepairsADamagedIndex(t *testing.T) {
	data := ingestSample(t)
	// Damage: replace the index with an empty one, as a lost index
	// directory would leave it.
	live := liveIndex(t, data)
	os.RemoveAll(live)
	ix, err := index.Open(context.Background(), live, index.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	code, out, _ := normtag(t, "check", "--data", data, "--format", "json")
	var rep struct{ Missing []string }
	json.Unmarshal([]byte(out), &rep)
	if code != 1 || len(rep.Missing) != 5 {
		t.Fatalf("check on an emptied index: exit %d %s", code, out)
	}
	if code, out, _ := normtag(t, "check", "--data", data, "--repair"); code != 0 || !strings.Contains(out, "repaired") {
		t.Fatalf("repair: exit %d %s", code, out)
	}
	if code, _, _ := normtag(t, "check", "--data", data); code != 0 {
		t.Fatal("still differs after repair")
	}
	if res := searchJSON(t, "--data", data, "--norm", "k"); res.Total == 0 {
		t.Fatal("search finds nothing after repair")
	}
}

func TestRetagReportsChangesAndUpdatesIndex(t *testing.T) {
	data := ingestSample(t)
	before := searchJSON(t, "--data", data, "--norm", "g", "--direct-only", "--limit", "1000")
	path := filepath.Join(t.TempDir(), "rules.yaml")
	write(t, path, string(sampledata.ExerciseRules()))
	code, out, errs := normtag(t, "retag", "--data", data, "--rules", path, "--format", "json")
	if code != 0 {
		t.Fatalf("retag: %d %s", code, errs)
	}
	var sum struct {
		Documents int
		Added     map[string]int
	}
	json.Unmarshal([]byte(out), &sum)
	if sum.Documents != 5 || sum.Added["g"] == 0 {
		t.Fatalf("retag summary %s", out)
	}
	after := searchJSON(t, "--data", data, "--norm", "g", "--direct-only", "--limit", "1000")
	if after.Total != before.Total+uint64(sum.Added["g"]) {
		t.Fatalf("index not updated: %d direct (g) before, %d after, %d added", before.Total, after.Total, sum.Added["g"])
	}
	// Same rules again: nothing to do.
	_, out, _ = normtag(t, "retag", "--data", data, "--rules", path, "--format", "json")
	json.Unmarshal([]byte(out), &sum)
	if sum.Documents != 0 {
		t.Fatalf("second retag re-tagged %d documents", sum.Documents)
	}
}

func TestServeExportReportCommands(t *testing.T) {
	data := ingestSample(t)
	code, out, errs := normtag(t, "export", "--data", data, "--norm", "j", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	res := searchJSON(t, "--data", data, "--norm", "j", "--limit", "1000")
	if uint64(len(lines)) != res.Total {
		t.Fatalf("export wrote %d rows, search finds %d", len(lines), res.Total)
	}
	dir := t.TempDir()
	if code, _, errs := normtag(t, "report", "--data", data, "--out", dir); code != 0 {
		t.Fatalf("report: %s", errs)
	}
	cov, err := os.ReadFile(filepath.Join(dir, "coverage.csv"))
	if err != nil || strings.Count(string(cov), "\n") != 6 || !strings.HasPrefix(string(cov), "doc,title,file,submitter,a,b,") {
		t.Fatalf("coverage.csv: %v\n%s", err, cov)
	}
}

func TestIngestJSONLinesForScripts(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "good.txt"), "Our national CERT is never used for attacks on other States.")
	write(t, filepath.Join(src, "empty.txt"), "")
	code, out, errs := normtag(t, "ingest", "--json", "--data", filepath.Join(t.TempDir(), "d"), src)
	if code != 1 || !strings.Contains(errs, "empty.txt") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	types := map[string]int{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		types[m["message_type"].(string)]++
		if m["message_type"] == "error" && (m["reason"] != "empty" || !strings.HasSuffix(m["path"].(string), "empty.txt")) {
			t.Errorf("error line %v", m)
		}
	}
	var last map[string]any
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if types["status"] == 0 || types["error"] != 1 || last["message_type"] != "summary" || last["added"].(float64) != 1 {
		t.Fatalf("types %v, last %v", types, last)
	}
}

// liveIndex is the directory of the live index in the data directory.
func liveIndex(t *testing.T, data string) string {
	t.Helper()
	d, err := datadir.Open(context.Background(), data, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dir, err := d.LiveIndexDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
