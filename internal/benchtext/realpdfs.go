package benchtext

import (
	"os"
	"path/filepath"
	"testing"
)

// RealPDFs finds the real PDFs a benchmark reads, NORMTAG_BENCH_DIR or by
// default the Paris Call PDFs under shared (the relative path of
// ../shared from the benchmark's package), and returns their paths and
// bytes. The benchmark is skipped, saying why, when there are none.
func RealPDFs(tb testing.TB, shared string) (paths []string, data [][]byte) {
	tb.Helper()
	src := os.Getenv("NORMTAG_BENCH_DIR")
	if src == "" {
		src = filepath.Join(shared, "corpora", "policy", "pariscall")
	}
	paths, _ = filepath.Glob(filepath.Join(src, "*.pdf"))
	if len(paths) == 0 {
		tb.Skipf("no PDFs in %s (the shared corpora; set NORMTAG_BENCH_DIR)", src)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		data = append(data, b)
	}
	return paths, data
}
