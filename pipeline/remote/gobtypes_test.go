package remote

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

func sampleResult(i int) *Result {
	d := &corpus.Document{ID: fmt.Sprintf("%064d", i), Title: fmt.Sprintf("Submission %d", i), Format: corpus.FormatText,
		ModTime: time.Date(2026, 12, 1, 6, i, 0, 0, time.UTC), Signature: []uint64{uint64(i), 7}}
	if i%2 == 0 {
		d.Meta = map[string]string{"lang": "en"}
	}
	for p := range i % 4 {
		d.Pages = append(d.Pages, corpus.Page{Number: p + 1, Text: strings.Repeat("States cooperate. ", i+1), Headings: []corpus.Span{{Start: 0, End: 6, Level: 1}}})
		d.Passages = append(d.Passages, corpus.Passage{Seq: p, Page: p + 1, Kind: corpus.KindBody, Text: "States cooperate.",
			Tags: []corpus.Tag{{Norm: "a", Score: 0.5, Evidence: []corpus.Evidence{{Rule: "a.cooperate"}}}}})
	}
	r := &Result{SHA256: d.ID, Name: fmt.Sprintf("/in/%d.txt", i), Key: "k", Worker: "w1", Doc: d}
	if i%3 == 0 {
		r.Doc, r.Reason, r.Detail = nil, "empty", "empty file"
	}
	return r
}

// Results from the worker's one encoder are each a whole gob stream, as
// a fresh encoder writes it: any decoder reads them. Read through primed
// decoders they come back the same, and a decoder is kept for the next.
func TestResultsAreWholeGobStreamsAndPrimedDecodersReadThem(t *testing.T) {
	var enc resultEncoder
	decs := resultDecoders{idle: map[string][]*primedDecoder{}}
	var first []byte
	for i := range 12 {
		in := sampleResult(i)
		raw, err := enc.encode(in)
		if err != nil {
			t.Fatal(err)
		}
		var fresh Result
		if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&fresh); err != nil || !reflect.DeepEqual(in, &fresh) {
			t.Fatalf("result %d read by a fresh decoder: %v\n%+v\n%+v", i, err, in, &fresh)
		}
		out, err := decs.decode(raw)
		if err != nil || !reflect.DeepEqual(in, out) {
			t.Fatalf("result %d read by a primed decoder: %v\n%+v\n%+v", i, err, in, out)
		}
		defs, _, err := splitTypes(raw)
		if err != nil || len(defs) == 0 {
			t.Fatalf("result %d: no type definitions found (%v)", i, err)
		}
		if first == nil {
			first = defs
		} else if !bytes.Equal(first, defs) {
			t.Errorf("result %d came with other type definitions", i)
		}
	}
	if len(decs.idle) != 1 || len(decs.idle[string(first)]) != 1 {
		t.Errorf("one primed decoder should be kept for one set of definitions, got %d sets", len(decs.idle))
	}
	// A result written by a fresh encoder, as another process would.
	var b bytes.Buffer
	in := sampleResult(5)
	if err := gob.NewEncoder(&b).Encode(in); err != nil {
		t.Fatal(err)
	}
	if out, err := decs.decode(b.Bytes()); err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("a fresh encoder's result: %v", err)
	}
	raw, _ := enc.encode(in)
	for _, cut := range []int{1, len(raw) / 2, len(raw) - 1} {
		if _, err := decs.decode(raw[:cut]); err == nil {
			t.Errorf("a result cut to %d of %d bytes was read", cut, len(raw))
		}
	}
	if out, err := decs.decode(raw); err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("after truncated results: %v", err)
	}
}
