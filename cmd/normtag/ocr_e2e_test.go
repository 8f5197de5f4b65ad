package main

import (
	"context"
	"encoding/csv"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/internal/scanpdf"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// scanImages holds the page images the OCR tests read.
const scanImages = "../../internal/scanpdf/testdata"

// writeScan writes an image-only PDF of the page image lang-dpi.png.
func writeScan(t *testing.T, path, lang string, dpi int) {
	t.Helper()
	img, err := scanpdf.ReadPNG(filepath.Join(scanImages, lang+"-"+itoaDPI(dpi)+".png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := scanpdf.WriteFile(path, []*image.Gray{img}, dpi); err != nil {
		t.Fatal(err)
	}
}

func itoaDPI(dpi int) string {
	if dpi == 300 {
		return "300"
	}
	return "200"
}

// TestScannedAndTextPDFs ingests a corpus mixing two scanned PDFs (no
// text layer: an English and a French note verbale) with text PDFs, and
// checks that the scans are read by OCR, tagged and found by norm, and
// that stats, search citations and the export say which passages were
// read by OCR; then that --ocr never and a machine without Tesseract
// report the scans as no-text once each, saying why.
func TestScannedAndTextPDFs(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: OCR takes seconds per page")
	}
	cfg, err := ocr.Find(context.Background(), ocr.Auto, "")
	if err != nil || !cfg.Ready() {
		t.Skipf("skipping: OCR tools absent (%v); %s", err, ocr.InstallHint)
	}
	src := t.TempDir()
	writeScan(t, filepath.Join(src, "scan-en.pdf"), "en", 200)
	writeScan(t, filepath.Join(src, "scan-fr.pdf"), "fr", 200)
	for name, lines := range map[string][]string{
		"text-vulnerabilities.pdf": {"Responsible reporting of ICT vulnerabilities", "States should encourage responsible reporting of ICT vulnerabilities", "and share associated information on available remedies."},
		"text-other.pdf":           {"Capacity building for developing countries", "Training programmes help officials understand the framework."},
	} {
		f, err := os.Create(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := pdfgen.Write(f, [][]string{lines}); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	data := filepath.Join(t.TempDir(), "data")
	// --timeout 1s bounds parsing: reading the scans takes longer, which
	// their children announce, and the documents get their OCR time.
	code, out, errs := normtag(t, "ingest", "--data", data, "--workers", "2", "--timeout", "1s", src)
	if code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if !strings.Contains(out, "(2 read by OCR)") {
		t.Errorf("ingest summary does not count the pages read by OCR:\n%s", out)
	}
	st := statsJSON(t, data)
	if st["ocr_pages"] != 2.0 || st["ocr_documents"] != 2.0 || st["documents"] != 4.0 {
		t.Errorf("stats: ocr_pages %v, ocr_documents %v, documents %v; want 2, 2, 4", st["ocr_pages"], st["ocr_documents"], st["documents"])
	}

	// Norm (h), requests for assistance, is in both scans; norm (j),
	// reporting vulnerabilities, in the English scan and a text PDF.
	for q, want := range map[string][]string{
		"norm:h": {"scan-en.pdf", "scan-fr.pdf"},
		"norm:j": {"scan-en.pdf", "text-vulnerabilities.pdf"},
	} {
		res := searchJSON(t, "--data", data, "--limit", "50", q)
		files := map[string]bool{}
		for _, h := range res.Hits {
			files[h.File] = true
			scanned := strings.HasPrefix(h.File, "scan-")
			if h.OCR != scanned || (scanned && (h.OCRConfidence < 50 || h.OCRConfidence > 100)) {
				t.Errorf("%s: hit in %s: ocr %v, confidence %.1f", q, h.File, h.OCR, h.OCRConfidence)
			}
		}
		for _, f := range want {
			if !files[f] {
				t.Errorf("%s does not find %s (found %v)", q, f, files)
			}
		}
	}
	res := searchJSON(t, "--data", data, "--limit", "50", "ocr:true")
	for _, h := range res.Hits {
		if !h.OCR || !strings.HasPrefix(h.File, "scan-") {
			t.Errorf("ocr:true finds %s (ocr %v)", h.File, h.OCR)
		}
	}
	if res.Total == 0 {
		t.Error("ocr:true finds nothing")
	}
	res = searchJSON(t, "--data", data, "--limit", "50", "vulnerabilities -ocr:true")
	if res.Total == 0 {
		t.Error("-ocr:true finds nothing")
	}
	for _, h := range res.Hits {
		if h.OCR {
			t.Errorf("-ocr:true finds %s, read by OCR", h.File)
		}
	}
	// The French scan is searched in French words.
	if res := searchJSON(t, "--data", data, "vulnérabilités"); res.Total == 0 || res.Hits[0].File != "scan-fr.pdf" {
		t.Errorf("vulnérabilités: %d hits, first %+v", res.Total, res.Hits)
	}

	_, out, _ = normtag(t, "search", "--data", data, "norm:h ocr:true")
	if !strings.Contains(out, "(OCR, confidence ") {
		t.Errorf("citations of scanned passages do not flag OCR:\n%s", out)
	}
	code, csvOut, errs := normtag(t, "export", "--data", data, "--format", "csv", "norm:h OR norm:j")
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(rows) < 4 {
		t.Fatalf("export: %d rows, %v\n%s", len(rows), err, csvOut)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, r := range rows[1:] {
		scanned := strings.HasPrefix(r[col["file"]], "scan-")
		if (r[col["ocr"]] == "true") != scanned || (r[col["ocr_confidence"]] != "") != scanned {
			t.Errorf("export row of %s: ocr %q, confidence %q", r[col["file"]], r[col["ocr"]], r[col["ocr_confidence"]])
		}
	}

	// OCR turned off: the scans are no-text, and say why.
	data2 := filepath.Join(t.TempDir(), "data")
	code, _, errs = normtag(t, "ingest", "--data", data2, "--ocr", "never", src)
	if code != 1 || strings.Count(errs, "no-text") != 2 || strings.Count(errs, "--ocr never") != 2 {
		t.Errorf("--ocr never: exit %d, want 1 with two no-text failures naming the flag:\n%s", code, errs)
	}
	// No Tesseract on this machine: each scan is reported once, with
	// the install hint; --ocr always is refused.
	t.Setenv("PATH", t.TempDir())
	data3 := filepath.Join(t.TempDir(), "data")
	code, _, errs = normtag(t, "ingest", "--data", data3, src)
	if code != 1 || strings.Count(errs, "no-text") != 2 || strings.Count(errs, "apt-get install tesseract-ocr") != 2 {
		t.Errorf("without tesseract: exit %d, want 1 with two no-text failures with the install hint:\n%s", code, errs)
	}
	if code, _, errs = normtag(t, "ingest", "--data", data3, "--ocr", "always", src); code != 2 || !strings.Contains(errs, "tesseract") {
		t.Errorf("--ocr always without tesseract: exit %d: %s", code, errs)
	}
}

// TestSixLanguagesScannedAndText ingests one scanned note verbale (an
// image-only PDF, read by OCR with the language detected from the page)
// and one text PDF (rendered by LibreOffice, which declares en-US in
// every file) in each of the six UN languages, then searches each
// language: its passages are in its two documents only, both are
// tagged and found by norm in that language, and only the scans'
// passages are cited as read by OCR. Which norms the rules give is
// measured by the gold sets, not here.
func TestSixLanguagesScannedAndText(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: OCR takes seconds per page")
	}
	cfg, err := ocr.Find(context.Background(), ocr.Auto, "")
	if err != nil || !cfg.Ready() {
		t.Skipf("skipping: OCR tools absent (%v); %s", err, ocr.InstallHint)
	}
	langs := []string{"en", "fr", "es", "ar", "ru", "zh"}
	for _, pack := range []string{"eng", "fra", "spa", "ara", "rus", "chi_sim"} {
		if !slices.Contains(cfg.Installed, pack) {
			t.Skipf("skipping: Tesseract language %s not installed (have %v)", pack, cfg.Installed)
		}
	}
	src := t.TempDir()
	for _, lang := range langs {
		writeScan(t, filepath.Join(src, "scan-"+lang+".pdf"), lang, 300)
		text, err := os.ReadFile(filepath.Join("../../pipeline/extract/pdf/testdata/golden/scripts", lang+"-libreoffice.pdf"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, "text-"+lang+".pdf"), text, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(t.TempDir(), "data")
	if code, out, errs := normtag(t, "ingest", "--data", data, "--workers", "2", src); code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	for _, lang := range langs {
		// Every passage found by its language is in a document of that
		// language, and only the scan's are cited as read by OCR.
		res := searchJSON(t, "--data", data, "--limit", "200", "--no-collapse", "lang:"+lang)
		norms := map[string][]string{} // file -> norms of its passages
		for _, h := range res.Hits {
			if !strings.HasSuffix(h.File, "-"+lang+".pdf") {
				t.Errorf("lang:%s: passage %q of %s, a document in another language", lang, h.Text, h.File)
			}
			if scanned := strings.HasPrefix(h.File, "scan-"); h.OCR != scanned {
				t.Errorf("lang:%s: passage of %s cited with ocr %v", lang, h.File, h.OCR)
			}
			norms[h.File] = append(norms[h.File], h.Norms...)
		}
		// Each document, scanned or not, is tagged, and a search by one
		// of its norms in its language finds it.
		for _, file := range []string{"scan-" + lang + ".pdf", "text-" + lang + ".pdf"} {
			if len(norms[file]) == 0 {
				t.Errorf("lang:%s: no passage of %s is tagged (%d hits)", lang, file, res.Total)
				continue
			}
			q := "norm:" + norms[file][0] + " AND lang:" + lang
			found := false
			for _, h := range searchJSON(t, "--data", data, "--limit", "200", "--no-collapse", q).Hits {
				found = found || h.File == file
			}
			if !found {
				t.Errorf("%s does not find %s", q, file)
			}
		}
	}
	_, out, _ := normtag(t, "search", "--data", data, "--limit", "200", "--no-collapse", "ocr:true")
	for _, lang := range langs {
		if !strings.Contains(out, "scan-"+lang+".pdf, p. 1, passage ") {
			t.Errorf("ocr:true does not cite the %s scan", lang)
		}
	}
	if strings.Contains(out, "text-") || !strings.Contains(out, "(OCR, confidence ") {
		t.Errorf("ocr:true cites a text PDF, or no passage as read by OCR:\n%s", out)
	}
}
