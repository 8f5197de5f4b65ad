package cite

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

func TestParseRef(t *testing.T) {
	for _, c := range []struct {
		in   string
		seq  int
		hash string
		ok   bool
	}{
		{"12", 12, "", true}, {"0-3fa2c1d09b7e", 0, "3fa2c1d09b7e", true}, {"7-abcd", 7, "abcd", true},
		{"", 0, "", false}, {"-3fa2", 0, "", false}, {"12-", 0, "", false}, {"12-XYZW", 0, "", false},
		{"12-abc", 0, "", false}, {"1e3", 0, "", false}, {"-1", 0, "", false}, {"9999999999", 0, "", false},
		{"3-" + strings.Repeat("a", 33), 0, "", false}, {"3-3FA2C1", 0, "", false},
	} {
		seq, hash, err := ParseRef(c.in)
		if (err == nil) != c.ok || c.ok && (seq != c.seq || hash != c.hash) {
			t.Errorf("ParseRef(%q) = %d, %q, %v", c.in, seq, hash, err)
		}
		if err != nil && !errors.Is(err, ErrBadRef) {
			t.Errorf("ParseRef(%q): error %v is not ErrBadRef", c.in, err)
		}
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"12", "0-3fa2c1d09b7e", "12-", "-", "1-abcd-ef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seq, hash, err := ParseRef(s)
		if err != nil {
			return
		}
		// What parses is a number and lowercase hex, and its canonical
		// form parses to the same.
		back := strconv.Itoa(seq)
		if hash != "" {
			back += "-" + hash
		}
		seq2, hash2, err := ParseRef(back)
		if err != nil || seq2 != seq || hash2 != hash || seq < 0 || strings.Trim(hash, "0123456789abcdef") != "" {
			t.Errorf("ParseRef(%q) = %d, %q; again: %d, %q, %v", s, seq, hash, seq2, hash2, err)
		}
	})
}

// TestResolveFollowsTheText finds a passage by its permalink in the real
// corpus's passages, then in the same passages shifted (as a newer
// segmentation of the same file would shift them), and falls back to the
// position when the text is gone.
func TestResolveFollowsTheText(t *testing.T) {
	d, _ := citeCorpus(t)
	ctx := context.Background()
	ids, err := d.Store.DocumentIDs(ctx)
	if err != nil || len(ids) == 0 {
		t.Fatal(ids, err)
	}
	ps, err := d.Store.Passages(ctx, ids[0])
	if err != nil || len(ps) < 4 {
		t.Fatalf("%d passages, %v", len(ps), err)
	}
	target := ps[3]
	seq, hash, err := ParseRef(strings.TrimPrefix(PermalinkPath(ids[0], target.Seq, target.Text), "/p/"+ids[0]+"/"))
	if err != nil {
		t.Fatal(err)
	}
	if i, exact := Resolve(ps, seq, hash); i != 3 || !exact {
		t.Fatalf("resolved to %d (exact %v), want 3", i, exact)
	}
	// Two passages inserted in front: the number is stale, the text
	// finds the passage.
	shifted := append([]corpus.Passage{{Seq: 0, Text: "new cover line"}, {Seq: 1, Text: "another"}}, ps...)
	for i := 2; i < len(shifted); i++ {
		shifted[i].Seq = i
	}
	if i, exact := Resolve(shifted, seq, hash); i != 5 || !exact || shifted[i].Text != target.Text {
		t.Errorf("after a shift: resolved to %d (exact %v), want 5", i, exact)
	}
	// The text changed: the position is the best guess, not exact.
	changed := append([]corpus.Passage(nil), ps...)
	changed[3].Text += " (amended)"
	if i, exact := Resolve(changed, seq, hash); i != 3 || exact {
		t.Errorf("changed text: resolved to %d (exact %v), want 3, not exact", i, exact)
	}
	if i, _ := Resolve(ps, len(ps)+5, ""); i != -1 {
		t.Errorf("a passage past the end resolved to %d", i)
	}
}

func TestTextAndDates(t *testing.T) {
	for in, want := range map[string]string{"2023": "2023", "2023-03": "March 2023", "2023-03-14": "14 March 2023",
		"2023-13": "2023-13", "2023-02-30": "2023-02-30", "spring 2023": "spring 2023", "": ""} {
		if got := HumanDate(in); got != want {
			t.Errorf("HumanDate(%q) = %q, want %q", in, got, want)
		}
	}
	it := Item{Work: Work{DocID: "abc", Title: "National\nreport", Submitter: "Examplia", Date: "2023-03"},
		Passage: &Passage{Seq: 12, Page: 6, PageEnd: 7, HeadingPath: []string{"Norm 7", "Measures"}, OCR: true, OCRConfidence: 73.6,
			Permalink: "http://h/p/abc/12-0123456789ab"}}
	want := "Examplia, “National report”, March 2023, pp. 6–7 (Norm 7 › Measures), passage 12 [OCR, confidence 74]. http://h/p/abc/12-0123456789ab"
	if got := Text(it); got != want {
		t.Errorf("Text:\n got %s\nwant %s", got, want)
	}
	doc := Item{Work: Work{DocID: "abc", Title: "T", PageCount: 3, URL: "http://h/documents/abc"}}
	if got := Text(doc); got != "“T”, 3 pages. http://h/documents/abc" {
		t.Errorf("document Text: %s", got)
	}
}

// TestPermalinksSameAfterReingest ingests the same files into two data
// directories, as a re-ingest from scratch would: every passage gets the
// same permalink in both.
func TestPermalinksSameAfterReingest(t *testing.T) {
	links := func() []string {
		d, ix := citeCorpus(t)
		_, items := exportAll(t, d, ix, FormatCSLJSON, UnitPassage)
		var out []string
		for _, it := range items {
			out = append(out, it.Passage.Permalink)
		}
		slices.Sort(out)
		return out
	}
	first, second := links(), links()
	if len(first) < 20 || !slices.Equal(first, second) {
		t.Errorf("%d permalinks, then %d; equal: %v", len(first), len(second), slices.Equal(first, second))
	}
}
