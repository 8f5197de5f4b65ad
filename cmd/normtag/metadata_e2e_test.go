package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if !strings.HasSuffix(strings.TrimSpace(header), "title_source,date_source,submitter_source") || !strings.Contains(csvOut, ",text,text,text") {
		t.Errorf("CSV export lacks the source columns:\n%s", csvOut[:min(len(csvOut), 2000)])
	}
}
