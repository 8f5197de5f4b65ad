package tag

import (
	"os"
	"testing"

	"github.com/normtag/normtag/internal/benchtext"
)

// BenchmarkTagText measures tagger throughput with the full default rule
// set over 100 MB of passages (set NORMTAG_BENCH_MB to change). The
// bench/tagger script compares it with grep -F over the same phrases.
func BenchmarkTagText(b *testing.B) {
	mb := 100
	if v := os.Getenv("NORMTAG_BENCH_MB"); v != "" {
		for _, c := range v {
			if c < '0' || c > '9' {
				b.Fatalf("bad NORMTAG_BENCH_MB %q", v)
			}
		}
		mb = 0
		for _, c := range v {
			mb = mb*10 + int(c-'0')
		}
	}
	tg := mustDefault(b)
	passages := benchtext.Passages(mb << 20)
	total := 0
	for _, p := range passages {
		total += len(p)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range passages {
			tg.TagText(p)
		}
	}
}
