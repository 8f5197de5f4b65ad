package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
)

// ingestWithFailures ingests the sample corpus and a folder with one
// undescribed text file, a broken PDF and an empty file; it returns the
// data directory and that folder.
func ingestWithFailures(t *testing.T) (data, src string) {
	t.Helper()
	data, src = filepath.Join(t.TempDir(), "data"), t.TempDir()
	write(t, filepath.Join(src, "notes.txt"), "Notes on supply chains\n\nStates should take reasonable steps to ensure the integrity of the supply chain.\n")
	write(t, filepath.Join(src, "broken.pdf"), "%PDF-1.4 cut short")
	write(t, filepath.Join(src, "empty.txt"), "")
	code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", sampleCorpus, src)
	if code != 1 {
		t.Fatalf("ingest with two bad files: exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errs)
	}
	return data, src
}

// unchangedStore fails unless every file of the data directory is as in
// the snapshot before: same files, contents, modes and times. SQLite's
// WAL files (-wal, -shm) may appear or change (a reader of a WAL store
// opens them) and so may the directory's time.
func unchangedStore(t *testing.T, data string, before map[string]string) {
	t.Helper()
	after := dataSnapshot(t, data)
	for _, snap := range []map[string]string{before, after} {
		for p := range snap {
			if p == data || strings.HasSuffix(p, "-wal") || strings.HasSuffix(p, "-shm") {
				continue
			}
			if before[p] != after[p] {
				t.Errorf("%s changed: %q -> %q", p, before[p], after[p])
			}
		}
	}
}

func docsJSON(t *testing.T, args ...string) []docEntry {
	t.Helper()
	code, out, errs := normtag(t, append([]string{"docs", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("docs %v: exit %d: %s", args, code, errs)
	}
	var docs []docEntry
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatalf("docs %v: not JSON: %v\n%s", args, err, out)
	}
	return docs
}

func ids(docs []docEntry) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	slices.Sort(out)
	return out
}

// TestDocsListsMetadataSourcesAndCounts: docs lists every stored document
// once with its metadata, where that came from and its counts, which
// agree with the stored passages; the filters keep what a filter over
// the full list keeps; the text output has a line per document; nothing
// in the data directory changes.
func TestDocsListsMetadataSourcesAndCounts(t *testing.T) {
	if _, err := os.Stat(sampleCorpus); err != nil {
		t.Skipf("sample corpus not found: %v", err)
	}
	data, src := ingestWithFailures(t)
	before := dataSnapshot(t, data)

	docs := docsJSON(t, "--data", data)
	if len(docs) != 6 {
		t.Fatalf("%d documents, want the 5 of the sample and notes.txt: %+v", len(docs), docs)
	}
	d, err := datadir.Open(context.Background(), data, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	hexID := regexp.MustCompile(`^[0-9a-f]{64}$`)
	total := 0
	for _, e := range docs {
		if !hexID.MatchString(e.ID) || e.Title == "" || e.Format == "" || e.Pages < 1 || e.Passages < 1 {
			t.Errorf("incomplete entry %+v", e)
		}
		if _, err := os.Stat(e.Path); err != nil {
			t.Errorf("%s: path %q: %v", e.ID, e.Path, err)
		}
		ps, err := d.Store.Passages(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		body := map[string]int{}
		for _, p := range ps {
			for _, tag := range p.Tags {
				if !p.Heading {
					body[tag.Norm]++
				}
			}
		}
		if len(ps) != e.Passages || !maps.Equal(body, e.Norms) {
			t.Errorf("%s: passages %d, norms %v; stored: %d passages, body norms %v", e.Title, e.Passages, e.Norms, len(ps), body)
		}
		total += e.Passages
		if strings.HasPrefix(e.Path, src) {
			// no sidecar: the title is the file's first line, the rest unknown
			if e.Title != "Notes on supply chains" || e.TitleSource != corpus.SourceText || e.Date != "" || e.DateSource != "" {
				t.Errorf("notes.txt: %+v", e)
			}
		} else if e.TitleSource != corpus.SourceSidecar || e.SubmitterSource != corpus.SourceSidecar || e.DateSource != corpus.SourceSidecar || e.Submitter == "" || e.Date == "" {
			t.Errorf("sample document without its metadata.csv values: %+v", e)
		}
	}
	if st := statsJSON(t, data); st["passages"] != float64(total) {
		t.Errorf("docs count %d passages, stats %v", total, st["passages"])
	}

	// Each filter keeps exactly the documents of the full list it selects,
	// and selects some but not all.
	for _, c := range []struct {
		args []string
		keep func(docEntry) bool
	}{
		{[]string{"--lang", "fr"}, func(e docEntry) bool { return strings.HasPrefix(e.Lang, "fr") }},
		{[]string{"--lang", "EN", "--lang", "fr-fr"}, func(e docEntry) bool { return e.Lang == "fr-FR" || strings.HasPrefix(e.Lang, "en") }},
		{[]string{"--submitter", "fictivie"}, func(e docEntry) bool { return strings.Contains(e.Submitter, "Fictivie") }},
		{[]string{"--submitter", "republique"}, func(e docEntry) bool { return strings.HasPrefix(e.Submitter, "République") }},
		{[]string{"--since", "2023"}, func(e docEntry) bool { return e.Date >= "2023" }},
		{[]string{"--since", "2022-01", "--until", "2023-06"}, func(e docEntry) bool { return e.Date >= "2022-01" && e.Date <= "2023-06-30" }},
	} {
		var want []docEntry
		for _, e := range docs {
			if c.keep(e) {
				want = append(want, e)
			}
		}
		if len(want) == 0 || len(want) == len(docs) {
			t.Fatalf("%v: the sample does not test this filter (%d of %d)", c.args, len(want), len(docs))
		}
		if got := docsJSON(t, append([]string{"--data", data}, c.args...)...); !slices.Equal(ids(got), ids(want)) {
			t.Errorf("%v: got %v, want %v", c.args, ids(got), ids(want))
		}
	}
	if got := docsJSON(t, "--data", data, "--failed"); len(got) != 0 {
		t.Errorf("--failed lists %d documents; every one is indexed", len(got))
	}

	code, out, errs := normtag(t, "docs", "--data", data)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(lines) != len(docs)+1 || lines[len(lines)-1] != fmt.Sprintf("%d document(s)", len(docs)) {
		t.Fatalf("text: exit %d, %d lines:\n%s%s", code, len(lines), out, errs)
	}
	for _, e := range docs {
		if !slices.ContainsFunc(lines, func(l string) bool {
			return strings.HasPrefix(l, e.ID[:shortID]+"  "+e.Title) && strings.HasSuffix(l, " · "+e.Path)
		}) {
			t.Errorf("no line for %s %q:\n%s", e.ID[:shortID], e.Title, out)
		}
	}

	for _, bad := range [][]string{{"--since", "last year"}, {"--since", "2024", "--until", "2023"}, {"--format", "csv"}, {"fictivie"}} {
		code, _, errs := normtag(t, append([]string{"docs", "--data", data}, bad...)...)
		if code != 2 || errs == "" {
			t.Errorf("docs %v: exit %d, want 2 with a message: %s", bad, code, errs)
		}
	}
	unchangedStore(t, data, before)
}

// TestFailuresListsReasonsAndDetails: failures lists each failed file
// with its reason, detail and time; --reason keeps one reason and
// refuses an unknown one, naming the valid ones.
func TestFailuresListsReasonsAndDetails(t *testing.T) {
	if _, err := os.Stat(sampleCorpus); err != nil {
		t.Skipf("sample corpus not found: %v", err)
	}
	data, src := ingestWithFailures(t)
	before := dataSnapshot(t, data)
	failures := func(args ...string) []corpus.Failure {
		t.Helper()
		code, out, errs := normtag(t, append([]string{"failures", "--data", data, "--format", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("failures %v: exit %d: %s", args, code, errs)
		}
		var fs []corpus.Failure
		if err := json.Unmarshal([]byte(out), &fs); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		return fs
	}
	all := failures()
	want := map[string]corpus.Reason{filepath.Join(src, "broken.pdf"): corpus.ReasonMalformed, filepath.Join(src, "empty.txt"): corpus.ReasonEmpty}
	if len(all) != len(want) {
		t.Fatalf("%d failures, want %d: %+v", len(all), len(want), all)
	}
	for _, f := range all {
		if want[f.Path] != f.Reason || f.Detail == "" || f.At.IsZero() {
			t.Errorf("failure %+v, want reason %q with a detail and a time", f, want[f.Path])
		}
	}
	if got := failures("--reason", "empty"); len(got) != 1 || got[0].Path != filepath.Join(src, "empty.txt") {
		t.Errorf("--reason empty: %+v", got)
	}
	if got := failures("--reason", "encrypted"); len(got) != 0 {
		t.Errorf("--reason encrypted: %+v", got)
	}

	code, out, errs := normtag(t, "failures", "--data", data)
	if code != 0 || !strings.Contains(out, "2 failed file(s)") {
		t.Fatalf("text: exit %d\n%s%s", code, out, errs)
	}
	for p, r := range want {
		if !strings.Contains(out, string(r)) || !strings.Contains(out, p) {
			t.Errorf("text lacks %s %s:\n%s", r, p, out)
		}
	}

	code, _, errs = normtag(t, "failures", "--data", data, "--reason", "broken")
	if code != 2 || !strings.Contains(errs, `"broken"`) {
		t.Fatalf("--reason broken: exit %d, want 2: %s", code, errs)
	}
	for _, r := range corpus.Reasons {
		if !strings.Contains(errs, string(r)) {
			t.Errorf("the message does not name reason %s: %s", r, errs)
		}
	}
	unchangedStore(t, data, before)
}

// TestDocsFailedListsUnindexableDocuments: a stored document the index
// could not take is listed by docs --failed, with why.
func TestDocsFailedListsUnindexableDocuments(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	big := storeLegacyDocument(t, data, 30)
	src := t.TempDir()
	write(t, filepath.Join(src, "one.txt"), "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs.\n")
	if code, out, errs := normtag(t, "ingest", "--data", data, "--max-passages", "20", src); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	if all := docsJSON(t, "--data", data); len(all) != 2 {
		t.Fatalf("%d documents, want 2", len(all))
	}
	failed := docsJSON(t, "--data", data, "--failed")
	if len(failed) != 1 || failed[0].ID != big.ID || !strings.Contains(failed[0].Unindexable, "30 passages") {
		t.Fatalf("--failed: %+v", failed)
	}
	if _, out, _ := normtag(t, "docs", "--data", data, "--failed"); !strings.Contains(out, "unindexable: ") || !strings.Contains(out, "/old/legacy.txt") {
		t.Errorf("text:\n%s", out)
	}
}
