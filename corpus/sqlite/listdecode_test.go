package sqlite

import (
	"context"
	"encoding/json"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// TestDecodeListsEqualJSON checks the hand-written readers of the heading
// path and pieces columns against encoding/json, on what json.Marshal
// writes (quotes, backslashes, <, &, non-ASCII and control characters,
// U+2028) and on JSON the fast paths do not expect.
func TestDecodeListsEqualJSON(t *testing.T) {
	titles := []string{"Norms", `The "GGE"`, `a\b`, "<b>&", "البنية التحتية", "关键基础设施", "", "tab\there", "line\u2028sep", "1. Introduction"}
	rng := rand.New(rand.NewSource(1))
	var paths, pieces []string
	for n := range 300 {
		path := make([]string, n%4)
		for i := range path {
			path[i] = titles[rng.Intn(len(titles))]
		}
		b, _ := json.Marshal(path)
		paths = append(paths, string(b))
		ps := make([]corpus.Piece, n%3)
		for i := range ps {
			ps[i] = corpus.Piece{Page: rng.Intn(300), Start: rng.Intn(5000), End: rng.Intn(5000)}
		}
		b, _ = json.Marshal(ps)
		pieces = append(pieces, string(b))
	}
	paths = append(paths, "null", "", `[ "x" ]`, `["x","y"]`, "[\"bad \xff byte\"]", `["\u00e9"]`)
	pieces = append(pieces, "null", "", `[{"start":1,"page":2,"end":3}]`, `[{"page":-1,"start":0,"end":2}]`, `[ {"page":1,"start":2,"end":3} ]`)
	var h headingPaths
	// What json.Marshal wrote without an escape must take the fast path.
	marshalled := map[string]bool{}
	for _, c := range append(slices.Clone(paths[:300]), pieces[:300]...) {
		marshalled[c] = true
	}
	wroteFast := func(c string) bool { return marshalled[c] && c != "[]" && !strings.Contains(c, `\`) }
	for _, c := range paths {
		var want []string
		if c != "" {
			if err := json.Unmarshal([]byte(c), &want); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
		}
		if len(want) == 0 {
			want = nil
		}
		// Twice: the second decoding reuses the first's.
		for range 2 {
			got, err := h.decode(c)
			if err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: got %#v, want %#v", c, got, want)
			}
		}
		if _, ok := decodeStringsFast(c); !ok && wroteFast(c) {
			t.Errorf("%s: not read by the fast path", c)
		}
	}
	for _, c := range pieces {
		var want []corpus.Piece
		if c != "" {
			if err := json.Unmarshal([]byte(c), &want); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
		}
		if len(want) == 0 {
			want = nil
		}
		got, err := decodePieces(c)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %#v, want %#v", c, got, want)
		}
		if _, ok := decodePiecesFast(c); !ok && wroteFast(c) {
			t.Errorf("%s: not read by the fast path", c)
		}
	}
	for _, bad := range []string{"[", `["x"`, `["x",]`, "{}"} {
		if _, err := h.decode(bad); err == nil {
			t.Errorf("heading path %q: no error", bad)
		}
	}
	for _, bad := range []string{"[", `[{"page":1`, `[{"page":1,"start":2,"end":3}`, "{}"} {
		if _, err := decodePieces(bad); err == nil {
			t.Errorf("pieces %q: no error", bad)
		}
	}
}

// TestHeadingPathsAreNotShared checks that passages with the same
// heading path, decoded once, do not share it: changing one passage's
// path leaves the next one's alone.
func TestHeadingPathsAreNotShared(t *testing.T) {
	var h headingPaths
	a, err := h.decode(`["Norms","Norm 13(g)"]`)
	if err != nil {
		t.Fatal(err)
	}
	a[0] = "changed"
	b, err := h.decode(`["Norms","Norm 13(g)"]`)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != "Norms" {
		t.Fatalf("second passage's path is %q: it shares the first's", b)
	}
}

// TestPassagesRoundTrip stores passages of every kind, with heading
// paths, pieces across pages, and several tags each, and reads back
// exactly what was stored; appending to one passage's tags read back
// leaves the next passage's alone.
func TestPassagesRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	doc := testDoc("rt", "/in/rt.txt")
	rng := rand.New(rand.NewSource(2))
	kinds := []corpus.Kind{corpus.KindBody, corpus.KindHeading, corpus.KindNote, corpus.KindReference, corpus.KindFurniture}
	doc.Passages = nil
	for seq := range 203 {
		p := corpus.Passage{Seq: seq, Page: 1 + seq/20, Start: rng.Intn(100), End: 100 + rng.Intn(100), Level: rng.Intn(4),
			Text: "Passage text with a \"quote\" and é " + string(rune('a'+seq%26)), Kind: kinds[seq%len(kinds)], Tags: []corpus.Tag{}}
		p.Heading = p.Kind == corpus.KindHeading
		p.PageEnd = p.Page
		if seq%3 != 0 {
			p.HeadingPath = []string{"Norms", []string{"Norm 13(g)", `"Quoted" <title>`, "Schutz kritischer Infrastruktur"}[seq/10%3]}
		}
		if seq%7 == 0 {
			p.PageEnd = p.Page + 1
			p.Pieces = []corpus.Piece{{Page: p.Page, Start: p.Start, End: 2000}, {Page: p.Page + 1, Start: 0, End: p.End}}
		}
		for n := range seq % 4 {
			p.Tags = append(p.Tags, corpus.Tag{Norm: string(rune('a' + (seq+n)%11)), Score: float64(n+1) / 7, Inherited: n == 2,
				Evidence: []corpus.Evidence{{Rule: "r", Match: "m", Start: n, End: n + 1, HeadingSeq: n}}})
		}
		doc.Passages = append(doc.Passages, p)
	}
	if _, err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	got, err := s.Passages(ctx, "rt")
	if err != nil {
		t.Fatal(err)
	}
	want := doc.Passages
	for i := range want {
		// Evidence of no heading is read back as json.Unmarshal reads it.
		for j := range want[i].Tags {
			if len(want[i].Tags[j].Evidence) == 0 {
				want[i].Tags[j].Evidence = nil
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("passage %d read back as\n%#v\nwant\n%#v", i, got[i], want[i])
			}
		}
		t.Fatalf("passages differ: %d read back, %d stored", len(got), len(want))
	}
	for i := range got[:len(got)-1] {
		next := slices.Clone(got[i+1].Tags)
		got[i].Tags = append(got[i].Tags, corpus.Tag{Norm: "x"})
		if !reflect.DeepEqual(got[i+1].Tags, next) {
			t.Fatalf("appending to passage %d's tags changed passage %d's: %+v", i, i+1, got[i+1].Tags)
		}
	}
}
