package tag

import (
	"testing"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
)

// FuzzTagText feeds arbitrary passage text (extracted files are untrusted)
// to the tagger: it must not panic, and every tag must be well formed.
func FuzzTagText(f *testing.F) {
	for _, s := range []string{
		"Norm 6 and norms (e), (f) and (h); paragraph 13(a)–(k); 13 f",
		"La norme n° 7 et la norma g. Critical-Infrastructure, supply chains, CERTs.",
		"We take reasonable steps to ensure the integrity of the supply chain so that end users can have",
		"the integrity of the the integrity of the supply chain supply chain",
		"13", "norm", "norms (", "paragraph 13 (", "ﬁ\u00adé\u0301", "\xff\xfe norm 1", "",
	} {
		f.Add(s)
	}
	tg, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		check := func(tags []corpus.Tag) {
			for i, tag := range tags {
				if tag.Score < 0 || tag.Score > 1 || tag.Norm < "a" || tag.Norm > "k" || len(tag.Norm) != 1 {
					t.Fatalf("bad tag %+v", tag)
				}
				if i > 0 && tags[i-1].Score < tag.Score {
					t.Fatalf("tags not sorted by score: %+v", tags)
				}
				for _, e := range tag.Evidence {
					if e.Start < 0 || e.End > len(text) || e.Start > e.End || text[e.Start:e.End] != e.Match {
						t.Fatalf("evidence %+v does not point into %q", e, text)
					}
					if utf8.ValidString(text) && !utf8.ValidString(e.Match) {
						t.Fatalf("evidence %+v cuts a character", e)
					}
				}
			}
		}
		check(tg.TagText(text))
		ps := []corpus.Passage{{Seq: 0, Heading: true, Level: 1, Text: text}, {Seq: 1, Text: text}}
		tg.Tag(ps)
		check(ps[0].Tags)
		tg.Explain(text)
	})
}

// FuzzLoad feeds arbitrary rules files to Load: errors are fine, panics
// are not, and a file that loads must tag without panicking.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(customRules))
	f.Add([]byte("norms:\n  g:\n    - name: x\n      weight: 0.5\n      all: [[]]\n"))
	f.Add([]byte("threshold: 2\nnorms: {k: [{name: a, weight: 1, any: ['(s)', '*']}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tg, err := Load(data)
		if err != nil {
			return
		}
		tg.TagText("Critical infrastructure, norm 7, hospital backups.")
		tg.Lint()
		tg.TestExamples()
	})
}
