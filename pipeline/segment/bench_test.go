package segment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// BenchmarkPassages segments real documents: the .txt files of
// NORMTAG_BENCH_TEXT (a folder; say, the output of normtag extract on
// real submissions, pages separated by form feeds), by default the
// labelled explainer in ../shared and the repository's own texts. Run it
// with -cpuprofile to see where segmenting goes.
func BenchmarkPassages(b *testing.B) {
	var files []string
	if dir := os.Getenv("NORMTAG_BENCH_TEXT"); dir != "" {
		files, _ = filepath.Glob(filepath.Join(dir, "*.txt"))
	} else {
		for _, pattern := range []string{"../../../shared/labeled/*.txt", "../../testdata/renderings/*.txt", "../../examples/src/*.txt"} {
			found, _ := filepath.Glob(pattern)
			files = append(files, found...)
		}
	}
	if len(files) == 0 {
		b.Skip("no texts to segment (set NORMTAG_BENCH_TEXT to a folder of .txt files)")
	}
	var docs [][]corpus.Page
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var pages []corpus.Page
		for i, text := range strings.Split(string(data), "\f") {
			pages = append(pages, corpus.Page{Number: i + 1, Text: text})
		}
		docs = append(docs, pages)
		size += len(data)
	}
	b.SetBytes(int64(size))
	passages := 0
	for b.Loop() {
		passages = 0
		for _, pages := range docs {
			passages += len(Passages(pages))
		}
	}
	b.ReportMetric(float64(passages*b.N)/b.Elapsed().Seconds(), "passages/s")
}
