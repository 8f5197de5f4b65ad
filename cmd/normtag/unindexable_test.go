package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
)

// A store holding a document with more passages than ingest's limit
// (stored before the limit existed): ingest leaves it out of the index
// instead of dying on it, and goes on; check lists it and exits 1; stats
// counts it; a later ingest does not try it again.
func TestIngestSkipsAStoredDocumentOverThePassageLimit(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	big := storeLegacyDocument(t, data, 40)

	src := t.TempDir()
	write(t, filepath.Join(src, "one.txt"), "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs.\n")
	code, out, errs := normtag(t, "ingest", "--data", data, "--max-passages", "20", src)
	if code != 0 {
		t.Fatalf("ingest beside a document over the limit: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if !strings.Contains(errs, big.ID) {
		t.Fatalf("ingest did not say which document it left out:\n%s", errs)
	}
	if res := searchJSON(t, "--data", data, "territory"); res.Total == 0 {
		t.Fatalf("the new file is not searchable: %+v", res)
	}

	code, out, _ = normtag(t, "check", "--data", data)
	if code != 1 || !strings.Contains(out, big.ID) || !strings.Contains(out, big.Path) || !strings.Contains(out, "40 passages") {
		t.Fatalf("check: exit %d, want 1 with the document, its path and reason listed:\n%s", code, out)
	}
	if st := statsJSON(t, data); st["unindexable"] != float64(1) {
		t.Fatalf("stats: unindexable = %v, want 1", st["unindexable"])
	}

	write(t, filepath.Join(src, "two.txt"), "States should respond to appropriate requests for assistance by another State.\n")
	code, out, errs = normtag(t, "ingest", "--data", data, "--max-passages", "20", src)
	if code != 0 {
		t.Fatalf("second ingest: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if strings.Contains(errs, big.ID) {
		t.Fatalf("the second ingest tried the document again:\n%s", errs)
	}
	if res := searchJSON(t, "--data", data, "assistance"); res.Total == 0 {
		t.Fatalf("the second file is not searchable: %+v", res)
	}
}

// storeLegacyDocument stores, straight into a new data directory, a text
// document of n passages (as one stored before ingest's --max-passages
// existed) and returns it; nothing is indexed.
func storeLegacyDocument(t *testing.T, data string, n int) *corpus.Document {
	t.Helper()
	ctx := context.Background()
	d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	big := &corpus.Document{ID: "big-legacy-document", FileName: "legacy.txt", Path: "/old/legacy.txt", Title: "Legacy",
		Format: corpus.FormatText, PageCount: 1}
	for s := range n {
		big.Passages = append(big.Passages, corpus.Passage{Seq: s, Page: 1, Text: fmt.Sprintf("States should cooperate on norm %d of responsible behaviour.", s)})
	}
	if _, err := d.Store.PutDocuments(ctx, []*corpus.Document{big}); err != nil {
		t.Fatal(err)
	}
	return big
}
