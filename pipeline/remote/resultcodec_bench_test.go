package remote

import (
	"fmt"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// benchResult is a typical generated document's result: four pages, 27
// passages of a sentence or three, each with a few tags.
func benchResult() *Result {
	d := &corpus.Document{ID: strings.Repeat("a", 64), Title: "Submission", Format: corpus.FormatText, PageCount: 4, Signature: make([]uint64, 128)}
	for p := range 4 {
		d.Pages = append(d.Pages, corpus.Page{Number: p + 1, Text: strings.Repeat("States should cooperate to prevent harmful ICT practices. ", 50)})
	}
	for i := range 27 {
		ps := corpus.Passage{Seq: i, Page: i/7 + 1, PageEnd: i/7 + 1, Start: i * 100, End: i*100 + 180, Kind: corpus.KindBody,
			HeadingPath: []string{"Introduction"}, Text: strings.Repeat("States should cooperate to prevent harmful ICT practices. ", 3)}
		for n := range 3 {
			ps.Tags = append(ps.Tags, corpus.Tag{Norm: string(rune('a' + n)), Score: 0.8,
				Evidence: []corpus.Evidence{{Rule: fmt.Sprintf("%c.rule", 'a'+n), Match: "cooperate", Start: 14, End: 23}}})
		}
		d.Passages = append(d.Passages, ps)
	}
	return &Result{SHA256: d.ID, Name: "/docs/sub.txt", Key: "0123456789abcdef", Worker: "w-1", Doc: d}
}

func BenchmarkEncodeResult(b *testing.B) {
	r := benchResult()
	for b.Loop() {
		if _, err := encodeResult(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeResult(b *testing.B) {
	data, err := encodeResult(benchResult())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := decodeResult(data, 1<<30); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalResult(b *testing.B) {
	r := benchResult()
	for b.Loop() {
		if _, err := marshalResult(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalResult(b *testing.B) {
	raw, err := marshalResult(benchResult())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := unmarshalResult(raw); err != nil {
			b.Fatal(err)
		}
	}
}
