package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/web"
)

// damageIndex overwrites a few bytes near the end of every segment file
// of the live index: bleve panicked reading such a segment (slice bounds
// out of range) in check, check --repair and search.
func damageIndex(t *testing.T, data string) {
	t.Helper()
	zaps, _ := filepath.Glob(filepath.Join(liveIndex(t, data), "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no segment files")
	}
	for _, z := range zaps {
		f, err := os.OpenFile(z, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		if _, err := f.WriteAt([]byte{0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x13, 0xff}, fi.Size()*99/100); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

func TestDamagedIndexIsReportedByEveryReaderAndRepairedByCheck(t *testing.T) {
	data := ingestSample(t)
	before := searchJSON(t, "--data", data, "states")
	damageIndex(t, data)

	code, _, errs := normtag(t, "search", "--data", data, "states")
	if code == 0 || !strings.Contains(errs, "damaged") || !strings.Contains(errs, "check --repair") {
		t.Fatalf("search on a damaged index: exit %d, stderr %q", code, errs)
	}
	base := serveData(t, data)
	for _, path := range []string{"/api/search?q=states", "/api/export?format=jsonl", "/api/export?format=csv"} {
		status, body := get(t, base+path)
		var e struct{ Error string }
		if status != http.StatusInternalServerError || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, "damaged") {
			t.Errorf("%s on a damaged index: %d %s", path, status, body)
		}
	}
	code, out, errs := normtag(t, "check", "--data", data)
	if code != 1 || !strings.Contains(out, "index damaged") {
		t.Fatalf("check on a damaged index: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = normtag(t, "check", "--data", data, "--repair")
	if code != 0 || !strings.Contains(out, "repaired") {
		t.Fatalf("check --repair on a damaged index: exit %d\n%s%s", code, out, errs)
	}
	if after := searchJSON(t, "--data", data, "states"); after.Total != before.Total {
		t.Fatalf("after repair: %d hits, before the damage %d", after.Total, before.Total)
	}
}

// removeStore deletes corpus.db and its WAL files.
func removeStore(t *testing.T, data string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(data, datadir.StoreFile+suffix))
	}
}

func TestRepairNeverEmptiesTheIndexOfALostStore(t *testing.T) {
	data := ingestSample(t)
	total := searchJSON(t, "--data", data, "states").Total
	removeStore(t, data)
	// Gone: readers and check say so, and nothing is created or deleted.
	for _, args := range [][]string{{"search", "--data", data, "states"}, {"stats", "--data", data}, {"check", "--data", data, "--repair"}} {
		code, _, errs := normtag(t, args...)
		if code == 0 || !strings.Contains(errs, "corpus.db is missing") {
			t.Errorf("%s with corpus.db deleted: exit %d, stderr %q", args[0], code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(data, datadir.StoreFile)); err == nil {
		t.Fatal("a command recreated the deleted store")
	}
	// Emptied: check --repair refuses to empty the index.
	if err := os.WriteFile(filepath.Join(data, datadir.StoreFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := normtag(t, "check", "--data", data, "--repair")
	if code == 0 || strings.Contains(out, "repaired") || !strings.Contains(errs, "repair refused") {
		t.Fatalf("check --repair over an empty store: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = normtag(t, "search", "--data", data, "states")
	if code == 0 || !strings.Contains(errs, "another corpus store") {
		t.Fatalf("search of an index built from another store: exit %d, stderr %q", code, errs)
	}
	// The old index still holds everything until a writer replaces it.
	ix, err := (&datadir.Dir{Path: data}).LiveIndexDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(ix, "index_meta.json")); err != nil {
		t.Fatalf("index gone after a refused repair: %v", err)
	}
	_ = total
	// A new ingest into the new store shows only what it ingested.
	docs := t.TempDir()
	write(t, filepath.Join(docs, "one.txt"), "States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs.")
	if code, _, errs := normtag(t, "ingest", "--data", data, "--quiet", docs); code != 0 {
		t.Fatalf("ingest into a new store: exit %d %s", code, errs)
	}
	if res := searchJSON(t, "--data", data, "states"); res.Total != 1 {
		t.Fatalf("after ingesting one passage into a new store, search finds %d (ghosts of the old index)", res.Total)
	}
	if code, out, errs := normtag(t, "check", "--data", data); code != 0 {
		t.Fatalf("check after ingest: exit %d\n%s%s", code, out, errs)
	}
}

func TestReadersWarnWhenTheIndexIsBehind(t *testing.T) {
	data := ingestSample(t)
	// What a killed retag leaves: documents re-tagged in the store but
	// not yet in the index.
	st, err := sqlite.Open(context.Background(), filepath.Join(data, datadir.StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := st.DocumentIDs(context.Background())
	if err := st.MarkIndexed(context.Background(), ids[:2], false); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, _, errs := normtag(t, "search", "--data", data, "states")
	if code != 0 || !strings.Contains(errs, "index is behind the corpus (2 documents)") {
		t.Fatalf("search on a stale index: exit %d, stderr %q", code, errs)
	}
	if st := statsJSON(t, data); st["index_behind"] != 2.0 {
		t.Fatalf("stats index_behind = %v, want 2", st["index_behind"])
	}
	resp, err := http.Get(serveData(t, data) + "/api/search?q=states")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get(web.IndexBehindHeader) != "2" {
		t.Fatalf("API does not say the index is behind: header %q", resp.Header.Get(web.IndexBehindHeader))
	}
	if code, _, _ := normtag(t, "check", "--data", data, "--repair"); code != 0 {
		t.Fatal("repair failed")
	}
	if _, _, errs := normtag(t, "search", "--data", data, "states"); strings.Contains(errs, "behind") {
		t.Fatalf("still warns after repair: %q", errs)
	}
}

func TestLostIndexFolderOrDamagedStoreSayWhatToDo(t *testing.T) {
	data := ingestSample(t)
	os.RemoveAll(liveIndex(t, data))
	code, out, errs := normtag(t, "search", "--data", data, "states")
	if code == 0 || !strings.Contains(errs, "index is missing") || !strings.Contains(errs, "normtag reindex") {
		t.Fatalf("search without its index folder: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := normtag(t, "reindex", "--data", data); code != 0 {
		t.Fatalf("reindex: %d %s", code, errs)
	}
	if res := searchJSON(t, "--data", data, "states"); res.Total == 0 {
		t.Fatal("nothing found after reindex")
	}
	// A truncated store: every command says it is damaged and how to
	// restore it.
	p := filepath.Join(data, datadir.StoreFile)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, fi.Size()/3); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"stats", "--data", data}, {"search", "--data", data, "states"}, {"ingest", "--data", data, "--quiet", sampleCorpus}} {
		code, _, errs := normtag(t, args...)
		if code == 0 || !strings.Contains(errs, "store is damaged") || !strings.Contains(errs, "normtag backup") {
			t.Errorf("%s on a truncated store: exit %d, stderr %q", args[0], code, errs)
		}
	}
}
