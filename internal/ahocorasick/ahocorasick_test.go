package ahocorasick

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

func naive(patterns [][]byte, text []byte) []string {
	var out []string
	for id, p := range patterns {
		if len(p) == 0 {
			continue
		}
		for i := 0; i+len(p) <= len(text); i++ {
			if bytes.Equal(text[i:i+len(p)], p) {
				out = append(out, fmt.Sprint(id, ":", i+len(p)))
			}
		}
	}
	sort.Strings(out)
	return out
}

func run(m *Matcher, text []byte) []string {
	var out []string
	m.Find(text, func(id, end int) { out = append(out, fmt.Sprint(id, ":", end)) })
	sort.Strings(out)
	var appended []string
	for _, x := range m.AppendMatches(nil, text) {
		appended = append(appended, fmt.Sprint(x.ID, ":", x.End))
	}
	sort.Strings(appended)
	if fmt.Sprint(out) != fmt.Sprint(appended) {
		panic(fmt.Sprintf("Find and AppendMatches disagree on %q: %v vs %v", text, out, appended))
	}
	return out
}

func TestMatchesNaiveSearch(t *testing.T) {
	patterns := [][]byte{[]byte("he"), []byte("she"), []byte("his"), []byte("hers"), []byte("critical infrastructure"), []byte("infra"), []byte("e"), {}}
	text := []byte("ushers and his critical infrastructure; she hears")
	if got, want := run(New(patterns), text), naive(patterns, text); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}

func TestRandomAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		var patterns [][]byte
		for i := 0; i < 1+r.IntN(20); i++ {
			p := make([]byte, 1+r.IntN(5))
			for j := range p {
				p[j] = "abc "[r.IntN(4)]
			}
			patterns = append(patterns, p)
		}
		text := make([]byte, r.IntN(200))
		for j := range text {
			text[j] = "abcd "[r.IntN(5)]
		}
		if got, want := run(New(patterns), text), naive(patterns, text); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("patterns %q text %q:\ngot %v\nwant %v", patterns, text, got, want)
		}
	}
}

func FuzzFind(f *testing.F) {
	f.Add([]byte("abc"), []byte("b"), []byte("xabcabx"))
	f.Fuzz(func(t *testing.T, p1, p2, text []byte) {
		patterns := [][]byte{p1, p2}
		if got, want := run(New(patterns), text), naive(patterns, text); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v want %v", got, want)
		}
	})
}

// TestLargeAutomaton covers the 32-bit table used past 32767 states.
func TestLargeAutomaton(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var patterns [][]byte
	for i := 0; i < 4000; i++ {
		p := make([]byte, 12)
		for j := range p {
			p[j] = byte('a' + r.IntN(20))
		}
		patterns = append(patterns, p)
	}
	m := New(patterns)
	if m.States() < 1<<15 || m.delta32 == nil {
		t.Fatalf("%d states: want the 32-bit table", m.States())
	}
	text := make([]byte, 0, 20000)
	for len(text) < 20000 {
		if r.IntN(4) == 0 {
			text = append(text, patterns[r.IntN(len(patterns))]...)
		} else {
			text = append(text, byte('a'+r.IntN(20)))
		}
	}
	if got, want := run(m, text), naive(patterns, text); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("large automaton disagrees with naive search: %d vs %d matches", len(got), len(want))
	}
	// One Scanner for both table widths, the text growing for one and
	// not the other.
	small := New(patterns[:10])
	var sc Scanner
	for _, n := range []int{100, 5000, 20000, 300, 20000} {
		for _, mm := range []*Matcher{m, small} {
			part := text[:n]
			if mm == small {
				part = text[:len(text)-n]
			}
			if got, want := mm.Scan(&sc, nil, part), mm.AppendMatches(nil, part); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("a Scanner shared by two automata found %d matches, want %d", len(got), len(want))
			}
		}
	}
}

// TestScannerAgainstNaive covers texts long enough to be cut into
// segments scanned together, with patterns long enough for the scans to
// meet late (repeats of few letters make long partial matches common),
// and one Scanner reused across texts of every length.
func TestScannerAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 300; round++ {
		var patterns [][]byte
		for i := 0; i < 1+r.IntN(30); i++ {
			p := make([]byte, 1+r.IntN(40))
			for j := range p {
				p[j] = "ab "[r.IntN(3)]
			}
			patterns = append(patterns, p)
		}
		m := New(patterns)
		var sc Scanner
		for range 5 {
			text := make([]byte, r.IntN(2000))
			for j := range text {
				text[j] = "abc "[r.IntN(4)]
			}
			var got []string
			ms := m.Scan(&sc, []Match{{-1, -1}}, text)
			if ms[0] != (Match{-1, -1}) {
				t.Fatal("AppendMatches changed what dst held")
			}
			for i, x := range ms[1:] {
				if i > 0 && x.End < ms[i].End {
					t.Fatalf("matches out of order: %v after %v", x, ms[i])
				}
				got = append(got, fmt.Sprint(x.ID, ":", x.End))
			}
			sort.Strings(got)
			if want := naive(patterns, text); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("patterns %q text %q:\ngot %v\nwant %v", patterns, text, got, want)
			}
		}
	}
}
