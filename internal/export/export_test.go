package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestCSVIsSafeForSpreadsheets(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSV(&buf, true)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(Row{DocID: "d1", Title: "Déclaration, \"quoted\"", Page: 3, Passage: 7, DirectNorms: []string{"f", "g"},
		InheritedNorms: []string{"k"}, Evidence: "=HYPERLINK(\"x\")", Text: "line one\nline two"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") || !strings.Contains(out, "\r\n") {
		t.Fatalf("want BOM and CRLF: %q", out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	r := rows[1]
	if r[1] != "Déclaration, \"quoted\"" || r[7] != "3" || r[9] != "f,g" || r[10] != "k" {
		t.Fatalf("row %q", r)
	}
	if !strings.HasPrefix(r[11], "'=") {
		t.Fatalf("formula not neutralised: %q", r[11])
	}
	if r[12] != "line one line two" {
		t.Fatalf("text not on one line: %q", r[12])
	}
}

func TestSafeCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain title", "plain title"},
		{"a=b", "a=b"},
		{"2023-03-14", "2023-03-14"},
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"+1", "'+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\tplain", "'\tplain"},
		{"  =1+1", "'  =1+1"},
		{"\u00a0@cmd", "'\u00a0@cmd"},
		{"  plain", "  plain"},
	} {
		if got := SafeCell(tc.in); got != tc.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEveryCSVCellIsSafe: metadata cells (title, submitter, country, file)
// come from the files as much as the text does.
func TestEveryCSVCellIsSafe(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSV(&buf, false)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(Row{DocID: "d1", Title: "=HYPERLINK(\"http://x\",\"y\")", Submitter: "@SUM(1)", SubmitterType: "+state",
		Country: " -1", Date: "2020", File: "=evil.html", Page: 1, Passage: 0, Text: "ok"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// title, submitter, submitter_type, country, file
	for _, i := range []int{1, 2, 3, 4, 6} {
		if cell := rows[1][i]; !strings.HasPrefix(cell, "'") {
			t.Errorf("column %s: %q would be read as a formula", Columns[i], cell)
		}
	}
	if rows[1][0] != "d1" || rows[1][5] != "2020" || rows[1][12] != "ok" {
		t.Errorf("plain cells changed: %q", rows[1])
	}
}
