package watch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/benchtext"
	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// BenchmarkIngestWithWatches measures what watches add to an ingest: each
// iteration ingests 40 new files into a corpus that grows by them, with
// no watches (the reference) and with 10 and 100. ns/op of the
// sub-benchmarks compares in one run; ratio/ref reports it.
//
//	go test ./internal/watch/ -run - -bench IngestWithWatches -benchtime 5x
func BenchmarkIngestWithWatches(b *testing.B) {
	ctx := context.Background()
	tg, err := tag.Default()
	if err != nil {
		b.Fatal(err)
	}
	words := []string{"infrastructure", "vulnerabilities", "assistance", "territory", "attribution", "supply", "privacy", "CERT", "capacity", "stability"}
	var ref float64
	for _, n := range []int{0, 10, 100} {
		b.Run(fmt.Sprintf("watches=%d", n), func(b *testing.B) {
			root := b.TempDir()
			data := filepath.Join(root, "data")
			d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			for i := range n {
				s := watch.Search{Query: words[i%len(words)]}
				if i%3 == 1 {
					s.Norms = []string{string(rune('a' + i%11))}
				}
				if _, err := watch.Add(ctx, d.Store, fmt.Sprintf("w%d", i), s, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for it := range b.N {
				b.StopTimer()
				dir := filepath.Join(root, fmt.Sprintf("in%d", it))
				os.Mkdir(dir, 0o755)
				for f := range 40 {
					var text strings.Builder
					for p, para := range benchtext.Passages(4000) {
						// a unique word makes every paragraph new text
						fmt.Fprintf(&text, "%s Ref %d-%d-%d.\n\n", para, it, f, p)
					}
					os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.txt", f)), []byte(text.String()), 0o644)
				}
				b.StartTimer()
				sum, err := pipeline.Ingest(ctx, d, []string{dir}, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}})
				if err != nil || sum.Added != 40 || len(sum.Watches) != n && n > 0 {
					b.Fatalf("ingest: %v, added %d, %d watch reports", err, sum.Added, len(sum.Watches))
				}
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			if n == 0 {
				ref = per
			} else if ref > 0 {
				b.ReportMetric(per/ref, "ratio/ref")
			}
		})
	}
}
