package tag

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/internal/benchtext"
)

// BenchmarkTagText measures tagger throughput with the full default rule
// set over 100 MB of passages (set NORMTAG_BENCH_MB to change): by
// default generated text dense in the norms' own wording, a worst case;
// with NORMTAG_BENCH_TEXT=FILE, the paragraphs of FILE (say, the output
// of normtag extract on real submissions) repeated to that size. The
// bench/tagger script compares it with grep -F over the same phrases.
func BenchmarkTagText(b *testing.B) {
	mb := 100
	if v := os.Getenv("NORMTAG_BENCH_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("bad NORMTAG_BENCH_MB %q", v)
		}
		mb = n
	}
	tg := mustDefault(b)
	var passages []string
	if file := os.Getenv("NORMTAG_BENCH_TEXT"); file != "" {
		passages = repeatParagraphs(b, file, mb<<20)
	} else {
		passages = benchtext.Passages(mb << 20)
	}
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

// repeatParagraphs reads file's blank-line-separated paragraphs (page
// breaks count as blank lines) and repeats them until size bytes.
func repeatParagraphs(b *testing.B, file string, size int) []string {
	raw, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.ReplaceAll(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\f", "\n\n")
	var paras []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, strings.Join(strings.Fields(p), " "))
		}
	}
	if len(paras) == 0 {
		b.Fatalf("%s has no text", file)
	}
	var out []string
	for total := 0; total < size; {
		for _, p := range paras {
			out = append(out, p)
			total += len(p)
		}
	}
	return out
}

// BenchmarkDefault builds the default tagger, as every ingest and retag
// does before its first passage: most of a retag with nothing to change.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
