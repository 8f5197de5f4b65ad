package main

import (
	"bufio"
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// TestExportCitations exports search results as CSL-JSON, RIS and BibTeX
// from the command line: one record per passage the JSON-lines export
// gives (or per document with --unit document), permalinks under
// --base-url, and the same permalinks after reindex and retag --all.
func TestExportCitations(t *testing.T) {
	data := ingestSample(t)
	code, out, errs := normtag(t, "export", "--data", data, "--norm", "g", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("jsonl: exit %d: %s", code, errs)
	}
	docs := map[string]bool{}
	rows := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			Doc string `json:"doc"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		docs[r.Doc] = true
		rows++
	}
	if rows < 5 || len(docs) < 2 {
		t.Fatalf("%d rows in %d documents", rows, len(docs))
	}
	permalinks := func() []string {
		t.Helper()
		code, out, errs := normtag(t, "export", "--data", data, "--norm", "g", "--format", "csl-json", "--base-url", "https://norms.example/")
		if code != 0 {
			t.Fatalf("csl-json: exit %d: %s", code, errs)
		}
		var recs []struct {
			ID  string `json:"id"`
			URL string `json:"URL"`
		}
		if err := json.Unmarshal([]byte(out), &recs); err != nil {
			t.Fatalf("csl-json is not JSON: %v\n%.300s", err, out)
		}
		if len(recs) != rows {
			t.Fatalf("csl-json: %d records for %d rows", len(recs), rows)
		}
		var urls []string
		for _, r := range recs {
			if !strings.HasPrefix(r.URL, "https://norms.example/p/") || r.ID == "" {
				t.Errorf("record %+v", r)
			}
			urls = append(urls, r.URL)
		}
		sort.Strings(urls)
		return urls
	}
	before := permalinks()

	code, out, errs = normtag(t, "export", "--data", data, "--norm", "g", "--format", "ris")
	if code != 0 || strings.Count(out, "TY  - RPRT\r\n") != rows || !strings.Contains(out, "UR  - http://127.0.0.1:8080/p/") {
		t.Errorf("ris: exit %d, %d records for %d rows: %s", code, strings.Count(out, "TY  - "), rows, errs)
	}
	code, out, errs = normtag(t, "export", "--data", data, "--norm", "g", "--format", "bibtex", "--unit", "document")
	if code != 0 || strings.Count(out, "@techreport{") != len(docs) || strings.Contains(out, "/p/") {
		t.Errorf("bibtex --unit document: exit %d, %d entries for %d documents: %s", code, strings.Count(out, "@techreport{"), len(docs), errs)
	}
	if code, _, errs := normtag(t, "export", "--data", data, "--format", "ris", "--unit", "page"); code != 2 || !strings.Contains(errs, "--unit") {
		t.Errorf("--unit page: exit %d, %q", code, errs)
	}

	for _, step := range [][]string{{"reindex", "--data", data}, {"retag", "--data", data, "--all"}} {
		if code, _, errs := normtag(t, step...); code != 0 {
			t.Fatalf("%s: exit %d: %s", step[0], code, errs)
		}
		if after := permalinks(); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("after %s the permalinks changed", step[0])
		}
	}
}
