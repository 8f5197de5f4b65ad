package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/testbin"
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

// exportRows runs export --format jsonl and returns its lines by
// document id.
func exportRows(t *testing.T, data string) map[string][]string {
	t.Helper()
	code, out, errs := normtag(t, "export", "--data", data, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("export: exit %d %s", code, errs)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct{ Doc string }
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Doc == "" {
			t.Fatalf("export line %q: %v", line, err)
		}
		rows[r.Doc] = append(rows[r.Doc], line)
	}
	return rows
}

func TestBackupDuringIngestRestoresWithReindex(t *testing.T) {
	docs := t.TempDir()
	makeCorpus(t, docs, 120)
	data := filepath.Join(t.TempDir(), "data")
	bin := testbin.Normtag(t)
	done := make(chan string, 1)
	go func() {
		var out, errb strings.Builder
		code := run(context.Background(), []string{"normtag", "ingest", "--data", data, "--quiet", "--workers", "1", docs}, &out, &errb, bin)
		done <- fmt.Sprintf("exit %d %s", code, errb.String())
	}()
	// Back up once the ingest has stored some documents, while it runs.
	backup := filepath.Join(t.TempDir(), "corpus-backup.db")
	for {
		if _, err := os.Stat(filepath.Join(data, datadir.StoreFile)); err == nil {
			if code, out, _ := normtag(t, "stats", "--data", data, "--format", "json"); code == 0 && !strings.Contains(out, `"documents": 0,`) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, _, errs := normtag(t, "backup", "--data", data, backup)
	if code != 0 {
		t.Fatalf("backup during ingest: exit %d %s", code, errs)
	}
	running := len(done) == 0
	if res := <-done; !strings.HasPrefix(res, "exit 0") {
		t.Fatalf("ingest: %s", res)
	}
	if !running {
		t.Log("the ingest ended before the backup did; the copy is still checked")
	}
	if _, err := os.Stat(backup + ".tmp"); err == nil {
		t.Fatal("backup left its temporary file")
	}
	// Restore as the README says: copy to corpus.db, reindex.
	restored := filepath.Join(t.TempDir(), "restored")
	os.Mkdir(restored, 0o755)
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(restored, datadir.StoreFile), string(b))
	if code, _, errs := normtag(t, "reindex", "--data", restored); code != 0 {
		t.Fatalf("reindex of the restored store: exit %d %s", code, errs)
	}
	orig, copied := exportRows(t, data), exportRows(t, restored)
	if len(copied) == 0 || len(copied) > len(orig) {
		t.Fatalf("restored %d documents of %d", len(copied), len(orig))
	}
	for doc, rows := range copied {
		if !reflect.DeepEqual(rows, orig[doc]) {
			t.Fatalf("document %s exports differently after restore:\n%v\nwant\n%v", doc, rows, orig[doc])
		}
	}
	t.Logf("backup held %d of %d documents", len(copied), len(orig))
}
