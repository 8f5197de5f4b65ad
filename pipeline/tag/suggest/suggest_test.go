package suggest

import (
	"context"
	"slices"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/tag"
)

func analysed(t *testing.T, name, text string) *corpus.Document {
	t.Helper()
	doc, err := extract.Bytes(context.Background(), name, []byte(text), extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := pipeline.Analyse(doc, tg); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestLabels: a heading naming a norm labels the body passages under it,
// also one that names the norm itself (and so carries no inherited tag),
// until the next heading of its level; a heading on a theme alone labels
// nothing, and neither does a subheading end its parent's section.
func TestLabels(t *testing.T) {
	doc := analysed(t, "r.md", "# Report\n\nIntroduction without any norm.\n\n"+
		"## Norm 7\n\nWe keep offline copies of everything.\n\n### Water\n\nPumps are checked weekly.\n\n"+
		"This paragraph names norm 7 itself while it protects critical infrastructure.\n\n"+
		"## Protecting critical infrastructure from ICT threats\n\nOperators exercise twice a year.\n\n"+
		"## Norms 6 and 8\n\nBoth apply to this paragraph.\n")
	labels := Labels(doc)
	want := map[string][]string{
		"Introduction without any norm.":                                                nil,
		"We keep offline copies of everything.":                                         {"g"},
		"Pumps are checked weekly.":                                                     {"g"},
		"This paragraph names norm 7 itself while it protects critical infrastructure.": {"g"},
		"Operators exercise twice a year.":                                              nil,
		"Both apply to this paragraph.":                                                 {"f", "h"},
	}
	found := 0
	for i, p := range doc.Passages {
		w, ok := want[p.Text]
		if !ok {
			continue
		}
		found++
		got := slices.Clone(labels[i])
		slices.Sort(got)
		if !slices.Equal(got, w) {
			t.Errorf("%q: labels %v, want %v", p.Text, got, w)
		}
	}
	if found != len(want) {
		t.Fatalf("found %d of the %d passages; segmentation: %+v", found, len(want), doc.Passages)
	}
}

func TestPassageGrams(t *testing.T) {
	got := passageGrams("The Supply-Chain of 5G products in 2023, and the supply chain.", 4)
	for _, w := range []string{"supply", "supply chain", "chain", "5g products", "chain of 5g products"} {
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in %q", w, got)
		}
	}
	for _, w := range []string{"the", "the supply", "chain of", "2023", "products in 2023", "of 5g products"} {
		if slices.Contains(got, w) {
			t.Errorf("%q should not be a phrase (function word or number at an end): %q", w, got)
		}
	}
}
