package examples

import (
	"context"
	"encoding/csv"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
)

// TestMetadataDescribesCorpus keeps metadata.csv and the files in step:
// one row per file, no row without a file, valid types and dates.
func TestMetadataDescribesCorpus(t *testing.T) {
	data, err := fs.ReadFile(Corpus, "metadata.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "file,submitter,submitter_type,country,date,title" {
		t.Fatalf("header %q", got)
	}
	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	described := map[string]bool{}
	for _, r := range rows[1:] {
		described[r[0]] = true
		if _, err := fs.Stat(Corpus, r[0]); err != nil {
			t.Errorf("metadata.csv describes %s, which is not in the corpus", r[0])
		}
		switch r[2] {
		case "state", "NGO", "company", "academia", "regional":
		default:
			t.Errorf("%s: submitter_type %q", r[0], r[2])
		}
		if !date.MatchString(r[4]) || r[1] == "" || r[5] == "" {
			t.Errorf("%s: incomplete row %q", r[0], r)
		}
	}
	entries, err := fs.ReadDir(Corpus, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "metadata.csv" && !described[e.Name()] {
			t.Errorf("%s has no row in metadata.csv", e.Name())
		}
	}
}

// TestCorpusExtracts checks that every sample file is read in the format
// it was made in, with the page structure the end-to-end tests rely on.
func TestCorpusExtracts(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format corpus.Format
		pages  int
		// each string must be on the given page.
		onPage map[string]int
	}{
		{"examplia-national-report.pdf", corpus.FormatPDF, 3, map[string]int{
			"Norm 1 (paragraph 13 (a))": 1, "Norm 3 (paragraph 13 (c))": 1, "Norm 4 (paragraph 13 (d))": 2,
			"Norm 8 (paragraph 13 (h))": 2, "Norm 9 (paragraph 13 (i))": 3, "Norm 11 (paragraph 13 (k))": 3,
			"Page 2 of 3": 2,
		}},
		{"fictivie-declaration.pdf", corpus.FormatPDF, 1, map[string]int{"La norme (g)": 1}},
		{"acme-supply-chain.docx", corpus.FormatDOCX, 1, map[string]int{"paragraph 13(i)": 1, "13 j": 1}},
		{"drw-statement.html", corpus.FormatHTML, 1, map[string]int{"norms (e), (f) and (k)": 1}},
		{"northern-forum-submission.txt", corpus.FormatText, 1, map[string]int{"paragraph 13 c": 1, "norm (d)": 1}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := fs.ReadFile(Corpus, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			d, err := extract.Bytes(context.Background(), tc.file, data, extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Format != tc.format || len(d.Pages) != tc.pages {
				t.Fatalf("format %s with %d pages, want %s with %d", d.Format, len(d.Pages), tc.format, tc.pages)
			}
			for s, page := range tc.onPage {
				text := strings.Join(strings.Fields(d.Pages[page-1].Text), " ")
				if !strings.Contains(text, s) {
					t.Errorf("page %d lacks %q", page, s)
				}
			}
		})
	}
}
