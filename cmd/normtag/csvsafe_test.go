package main

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/web"
)

// formulaCell reports whether a spreadsheet would read cell as a formula:
// it starts, perhaps after whitespace, with = + - @, or with a tab or CR.
func formulaCell(cell string) bool {
	if cell == "" || cell[0] == '\'' {
		return false
	}
	if cell[0] == '\t' || cell[0] == '\r' {
		return true
	}
	trimmed := strings.TrimLeftFunc(cell, unicode.IsSpace)
	return trimmed != "" && strings.ContainsRune("=+-@", rune(trimmed[0]))
}

// assertNoFormulas fails for every cell of a CSV that a spreadsheet would
// run, and returns the number of data rows.
func assertNoFormulas(t *testing.T, name string, raw []byte) int {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i, r := range rows {
		for j, cell := range r {
			if formulaCell(cell) {
				t.Errorf("%s row %d column %d (%s): formula cell %q", name, i, j, rows[0][j], cell)
			}
		}
	}
	return len(rows) - 1
}

// TestCSVNeutralisesFormulasFromFiles: a title, submitter, country and file
// name that come from a submitted file never reach a CSV as a formula, in
// the CLI export, the API export and the report.
func TestCSVNeutralisesFormulasFromFiles(t *testing.T) {
	src := t.TempDir()
	// A title of several words: a lone word is not taken as a title.
	write(t, filepath.Join(src, "=evil.html"), `<html><head><title>=HYPERLINK("http://x","y") national statement on norms</title></head><body>
<p>States should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure.</p>
<p>-1+2 is a line of text that starts like a formula.</p></body></html>`)
	write(t, filepath.Join(src, "metadata.csv"), "file,submitter,submitter_type,country,date\n"+
		`=evil.html,@SUM(A1),+state," -1+1",2024-01-01`+"\n")
	data := filepath.Join(t.TempDir(), "data")
	if code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", src); code != 0 {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}

	code, out, errs := normtag(t, "export", "--data", data, "--format", "csv")
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, errs)
	}
	if n := assertNoFormulas(t, "CLI export", []byte(out)); n < 2 {
		t.Fatalf("CLI export has %d rows, want the document's passages:\n%s", n, out)
	}
	if !strings.Contains(out, `'=HYPERLINK(`) || !strings.Contains(out, "'@SUM(A1)") {
		t.Errorf("export lost the neutralised title or submitter:\n%s", out)
	}

	dir := t.TempDir()
	if code, _, errs := normtag(t, "report", "--data", data, "--out", dir); code != 0 {
		t.Fatalf("report: %s", errs)
	}
	for _, name := range []string{"coverage.csv", "cooccurrence.csv"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if n := assertNoFormulas(t, name, raw); n < 1 {
			t.Errorf("%s has no rows", name)
		}
	}

	ctx := context.Background()
	d, err := datadir.Open(ctx, data, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, err := web.New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/api/export?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("API export: %d %v\n%s", resp.StatusCode, err, raw)
	}
	if n := assertNoFormulas(t, "API export", raw); n < 2 {
		t.Fatalf("API export has %d rows:\n%s", n, raw)
	}
}
