package pdf

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/normtag/normtag/internal/benchtext"

	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/internal/wordf1"
)

func generated(t testing.TB, n int) ([]byte, string) {
	pages := pdfgen.Pages(n)
	var buf bytes.Buffer
	if err := pdfgen.Write(&buf, pages); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, p := range pages {
		want.WriteString(strings.Join(p, "\n"))
		want.WriteString("\n")
	}
	return buf.Bytes(), want.String()
}

func TestGeneratedPDF(t *testing.T) {
	data, want := generated(t, 20)
	pages, info, err := Extract(context.Background(), data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 20 || info.Pages != 20 {
		t.Fatalf("%d pages", len(pages))
	}
	if _, _, f1 := wordf1.Score(strings.Join(pages, "\n"), want); f1 < 0.999 {
		t.Fatalf("F1 %.4f", f1)
	}
}

func benchExtract(b *testing.B, n int) {
	data, _ := generated(b, n)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pages, _, err := Extract(context.Background(), data, Options{})
		if err != nil || len(pages) != n {
			b.Fatalf("%d pages, %v", len(pages), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// Pages per second must not fall as documents grow (the page tree is
// walked once): compare the two.
func BenchmarkExtract200Pages(b *testing.B)  { benchExtract(b, 200) }
func BenchmarkExtract2000Pages(b *testing.B) { benchExtract(b, 2000) }

// FuzzExtract feeds mutated PDFs to the extractor: it must return pages
// or a classified error, never panic.
func FuzzExtract(f *testing.F) {
	small, _ := generated(f, 2)
	f.Add(small)
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	addRepairSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		pages, _, err := Extract(context.Background(), data, Options{})
		if err == nil && len(pages) == 0 {
			t.Fatal("no error and no pages")
		}
	})
}

// FuzzRebuildXref checks the repair code on arbitrary bytes.
func FuzzRebuildXref(f *testing.F) {
	small, _ := generated(f, 1)
	f.Add(small)
	addRepairSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		prevChainLoops(data)
		withoutIdentityEncryption(data)
		fixed, _ := fixHeader(data)
		out, err := rebuildXref(fixed)
		if err == nil && !bytes.Contains(out, []byte("startxref")) {
			t.Fatal("rebuilt file has no startxref")
		}
	})
}

// addRepairSeeds seeds a fuzz target with the damage the repairs handle:
// object streams behind a broken table, a looping /Prev chain, and
// encryption of attachments only.
func addRepairSeeds(f *testing.F) {
	f.Add(objectStreamPDF(f, "ObjStm", true))
	f.Add(objectStreamPDF(f, "Potato", false))
	data, _ := generated(f, 1)
	f.Add(appendUpdate(f, data, map[int]string{}, "/Prev 9"))
	f.Add(appendUpdate(f, data, map[int]string{90: "<< /Filter /Standard /V 5 /R 6 /StmF /Identity /StrF /Identity >>"}, "/Encrypt 90 0 R"))
}

// BenchmarkExtractRealDocuments extracts every PDF in NORMTAG_BENCH_DIR
// (default: the Paris Call PDFs in ../shared), the work an extraction
// child does per file; run it with -cpuprofile to see where it goes.
func BenchmarkExtractRealDocuments(b *testing.B) {
	files, docs := benchtext.RealPDFs(b, "../../../../shared")
	pages := 0
	for b.Loop() {
		pages = 0
		for i, data := range docs {
			out, _, err := Extract(context.Background(), data, Options{})
			if err != nil {
				b.Fatalf("%s: %v", files[i], err)
			}
			pages += len(out)
		}
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
}
