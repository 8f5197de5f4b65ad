package main

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestIdenticalFilesNameTheirDocumentAlike ingests byte-identical files
// under different names, each with its own metadata.csv title, with two
// workers, into three fresh data directories: search and docs must name
// the document by its first path, with that file's title, every time. A
// later run that adds another copy (sorting last) changes nothing.
func TestIdenticalFilesNameTheirDocumentAlike(t *testing.T) {
	src := t.TempDir()
	text := "States should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure.\n"
	names := []string{"e-copy.txt", "c-copy.txt", "b-first.txt", "f-copy.txt", "d-copy.txt"}
	sidecar := "file,title\n"
	for _, n := range names {
		write(t, filepath.Join(src, n), text)
		sidecar += n + ",Title of " + n + "\n"
	}
	write(t, filepath.Join(src, "metadata.csv"), sidecar)

	type naming struct{ Path, File, Title, DocsPath, DocsTitle string }
	look := func(data string) naming {
		t.Helper()
		res := searchJSON(t, "--data", data, `"critical infrastructure"`)
		if len(res.Hits) != 1 {
			t.Fatalf("%d hits, want 1", len(res.Hits))
		}
		code, out, errs := normtag(t, "docs", "--data", data, "--format", "json")
		if code != 0 {
			t.Fatalf("docs: exit %d: %s", code, errs)
		}
		var docs []struct{ Path, Title string }
		if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 1 {
			t.Fatalf("docs: %v %s", err, out)
		}
		h := res.Hits[0]
		return naming{filepath.Base(h.Path), h.File, h.Title, filepath.Base(docs[0].Path), docs[0].Title}
	}
	want := naming{"b-first.txt", "b-first.txt", "Title of b-first.txt", "b-first.txt", "Title of b-first.txt"}
	var data string
	for run := range 3 {
		data = filepath.Join(t.TempDir(), "data")
		if code, sum := ingestJSON(t, "--data", data, "--workers", "2", src); code != 0 || sum["added"].(float64) != 1 || sum["unchanged"].(float64) != 4 {
			t.Fatalf("run %d: exit %d %v", run, code, sum)
		}
		if got := look(data); got != want {
			t.Fatalf("run %d names the document\n%+v, want\n%+v", run, got, want)
		}
	}
	write(t, filepath.Join(src, "g-later.txt"), text)
	if code, sum := ingestJSON(t, "--data", data, "--workers", "2", src); code != 0 || sum["added"].(float64) != 0 || sum["unchanged"].(float64) != 6 {
		t.Fatalf("later run: exit %d %v", code, sum)
	}
	if got := look(data); got != want {
		t.Fatalf("a later copy renamed the document\n%+v, want\n%+v", got, want)
	}
}
