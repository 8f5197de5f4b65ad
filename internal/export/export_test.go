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
