package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/benchtext"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// benchFiles copies the benchmark documents into a temporary folder:
// NORMTAG_BENCH_DIR (default: the Paris Call PDFs in ../shared), each
// NORMTAG_BENCH_COPIES times (default 3) with a different trailing
// comment, so that every copy is a document of its own as in the ingest
// benchmark's real-documents row.
func benchFiles(b *testing.B) string {
	b.Helper()
	files, docs := benchtext.RealPDFs(b, "../../shared")
	copies := 3
	if v, err := strconv.Atoi(os.Getenv("NORMTAG_BENCH_COPIES")); err == nil && v > 0 {
		copies = v
	}
	dir := b.TempDir()
	for k, f := range files {
		data := docs[k]
		for i := range copies {
			out := append(append([]byte{}, data...), fmt.Sprintf("\n%% copy %d\n", i)...)
			name := fmt.Sprintf("%d-%s", i, filepath.Base(f))
			if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

// reportCPU reports the CPU seconds per iteration since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
}

func ingestInto(b *testing.B, data, files string, tagger *tag.Tagger) *pipeline.Summary {
	b.Helper()
	ctx := context.Background()
	d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	sum, err := pipeline.Ingest(ctx, d, []string{files}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}})
	if err != nil {
		b.Fatal(err)
	}
	if sum.Added == 0 || sum.Failed > 0 {
		b.Fatalf("ingest added %d, failed %d: %+v", sum.Added, sum.Failed, sum.Failures)
	}
	return sum
}

// BenchmarkIngestDocuments is a whole ingest of real documents into a
// fresh data directory, extracting in process so that one CPU profile
// shows every stage: extraction, tagging, near-duplicate signatures, the
// store and the index.
func BenchmarkIngestDocuments(b *testing.B) {
	files := benchFiles(b)
	tagger, err := tag.Default()
	if err != nil {
		b.Fatal(err)
	}
	var pages int
	cpu := cpuTime()
	for b.Loop() {
		sum := ingestInto(b, b.TempDir(), files, tagger)
		pages = sum.Pages
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkReindex rebuilds the index of a corpus of real documents from
// the store.
func BenchmarkReindex(b *testing.B) {
	ctx := context.Background()
	tagger, err := tag.Default()
	if err != nil {
		b.Fatal(err)
	}
	data := b.TempDir()
	sum := ingestInto(b, data, benchFiles(b), tagger)
	d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	cpu := cpuTime()
	for b.Loop() {
		if err := d.RebuildIndex(ctx); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(sum.Passages*b.N)/b.Elapsed().Seconds(), "passages/s")
}

// BenchmarkRetagUnchanged re-tags every document of a corpus of real
// documents with the rules that tagged it: nothing changes, so nothing
// should be written.
func BenchmarkRetagUnchanged(b *testing.B) {
	ctx := context.Background()
	tagger, err := tag.Default()
	if err != nil {
		b.Fatal(err)
	}
	data := b.TempDir()
	sum := ingestInto(b, data, benchFiles(b), tagger)
	d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := pipeline.Retag(ctx, d, tagger, pipeline.RetagOptions{All: true}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(sum.Passages*b.N)/b.Elapsed().Seconds(), "passages/s")
}
