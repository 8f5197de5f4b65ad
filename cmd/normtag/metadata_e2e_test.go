package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/internal/pdfgen"
)

// dataSnapshot is every file under dir with its size, mode, modification
// time and content hash.
func dataSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		entry := info.Mode().String() + " " + info.ModTime().String()
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			entry += " " + hex.EncodeToString(sum[:])
		}
		out[p] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCheckMetadataChangesNothing: ingest --check-metadata lists each
// mistake of a metadata.csv once, naming its line and column, exits 1,
// and neither creates a data directory nor touches an existing one.
func TestCheckMetadataChangesNothing(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "a.txt"), "Statement on norms\n\nStates should protect critical infrastructure.\n")
	write(t, filepath.Join(src, "metadata.csv"), "file,date,shade\na.txt,12/11/2018,x\nnone.pdf,2020,\na.txt,2019,\n")

	fresh := filepath.Join(t.TempDir(), "data")
	code, out, errs := normtag(t, "ingest", "--data", fresh, "--check-metadata", src)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errs)
	}
	for _, want := range []string{"metadata.csv:1: column shade", "metadata.csv:2: column date", "metadata.csv:3: column file", "metadata.csv:4: column file", "4 warning(s)"} {
		if strings.Count(out, want) != 1 {
			t.Errorf("output does not say %q once:\n%s", want, out)
		}
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("--check-metadata created the data directory %s (%v)", fresh, err)
	}

	data := ingestSample(t)
	before := dataSnapshot(t, data)
	code, out, errs = normtag(t, "ingest", "--data", data, "--check-metadata", src, sampleCorpus)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errs)
	}
	after := dataSnapshot(t, data)
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s changed: %q -> %q", p, b, after[p])
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared", p)
		}
	}

	// The sample corpus's own metadata.csv is clean.
	code, out, errs = normtag(t, "ingest", "--check-metadata", sampleCorpus)
	if code != 0 || !strings.Contains(out, "1 file(s) checked, 0 warning(s)") {
		t.Errorf("sample corpus: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}

// TestCitationsSaySources: search citations and exports say where each
// title, date and submitter came from; documents described by the sample
// corpus's metadata.csv say "sidecar", a document without one says what
// its text and file gave.
func TestCitationsSaySources(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "norland.md"), "# Norland on the protection of critical infrastructure\n\n"+
		"Submission by the Federation of Norland\n\n12 November 2021\n\n"+
		"States should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure.\n")
	data := ingestSample(t)
	if code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", src); code != 0 {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	_, out, _ := normtag(t, "search", "--data", data, "--limit", "50", "critical infrastructure")
	if !strings.Contains(out, "Norland on the protection of critical infrastructure — Federation of Norland, 2021-11-12 — norland.md") ||
		!strings.Contains(out, "[title: text; date: text; submitter: text]") {
		t.Errorf("citation of the Markdown file lacks its text sources:\n%s", out)
	}
	if !strings.Contains(out, "[title: sidecar; date: sidecar; submitter: sidecar]") {
		t.Errorf("citations of the sample corpus lack their sidecar sources:\n%s", out)
	}
	code, csvOut, errs := normtag(t, "export", "--data", data, "--format", "csv")
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, errs)
	}
	header, _, _ := strings.Cut(csvOut, "\n")
	if !strings.Contains(header, ",title_source,date_source,submitter_source,") || !strings.Contains(csvOut, ",text,text,text,") {
		t.Errorf("CSV export lacks the source columns:\n%s", csvOut[:min(len(csvOut), 2000)])
	}
}

// TestPrintedDateFiltersSearch: a 2019 paper whose PDF was made in 2026
// is found by --since 2019 --until 2020 (its printed date) and not by
// --since 2026, and its title is the cover's, not the file's boilerplate.
func TestPrintedDateFiltersSearch(t *testing.T) {
	src := t.TempDir()
	var buf bytes.Buffer
	cover := []pdfgen.Line{
		{Text: "Hospitals and the Norm on", Size: 24}, {Text: "Critical Infrastructure", Size: 24},
		{Text: "Submission by the Coastal Cyber Policy Institute", Size: 11}, {Text: "September 2019", Size: 11},
	}
	body := []pdfgen.Line{{Text: "States should not conduct or knowingly support ICT activity that intentionally", Size: 11},
		{Text: "damages critical infrastructure or impairs hospitals.", Size: 11}}
	info := pdfgen.Info{Title: "Enscript Output", Author: "TREHIOU Marie", CreationDate: "D:20261122093000Z"}
	if err := pdfgen.WriteStyled(&buf, info, [][]pdfgen.Line{cover, body}); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(src, "paper.pdf"), buf.String())
	data := filepath.Join(t.TempDir(), "data")
	if code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", src); code != 0 {
		t.Fatalf("ingest exit %d\n%s\n%s", code, out, errs)
	}
	res := searchJSON(t, "--data", data, "--since", "2019", "--until", "2020", "hospitals")
	if len(res.Hits) == 0 {
		t.Fatal("--since 2019 --until 2020 drops the 2019 paper")
	}
	// "September 2019" is shown as the month it is, not its first day.
	h := res.Hits[0]
	if h.Title != "Hospitals and the Norm on Critical Infrastructure" || h.TitleSource != "text" ||
		h.Date != "2019-09" || h.DateSource != "text" ||
		h.Submitter != "Coastal Cyber Policy Institute" || h.SubmitterSource != "text" {
		t.Errorf("hit %+v", h)
	}
	if res := searchJSON(t, "--data", data, "--since", "2026", "hospitals"); len(res.Hits) != 0 {
		t.Errorf("--since 2026 finds the 2019 paper by its file date: %+v", res.Hits[0])
	}
}
