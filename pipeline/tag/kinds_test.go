package tag

import (
	"testing"

	"github.com/normtag/normtag/corpus"
)

// Under a "Norm 11" heading, body text inherits (k); notes, reference
// lines, contents lines and furniture do not, and a note shaped like a
// norm heading opens no section for the body after it. A note keeps the
// tags of its own words.
func TestOnlyBodyAndHeadingsTakePartInSections(t *testing.T) {
	tg := mustDefault(t)
	ps := []corpus.Passage{
		{Kind: corpus.KindHeading, Heading: true, Level: 1, Text: "Norm 11: States should encourage responsible reporting of ICT vulnerabilities"},
		{Kind: corpus.KindBody, Text: "We publish what we learn and share it with partners in the region."},
		{Kind: corpus.KindNote, Text: "12. See the annual report, https://example.org/report.pdf, pp. 3-4."},
		{Kind: corpus.KindReference, Text: "https://example.org/members"},
		{Kind: corpus.KindTOC, Text: "Capacity building ........ 7"},
		{Kind: corpus.KindFurniture, Text: "© 2021 Example Institute. All rights reserved."},
		{Kind: corpus.KindNote, Heading: false, Level: 0, Text: "Norm 7 (critical infrastructure)"},
		{Kind: corpus.KindBody, Text: "Our teams train every year with the same partners."},
		{Kind: corpus.KindNote, Text: "3. States should not conduct or knowingly support ICT activity that damages critical infrastructure."},
	}
	tg.Tag(ps)
	for i, want := range map[int]bool{1: true, 7: true} {
		if got := hasNorm(ps[i].Tags, "k", true); got != want {
			t.Errorf("body passage %d inherits (k): %v, want %v (%+v)", i, got, want, ps[i].Tags)
		}
	}
	for i := 2; i <= 6; i++ {
		for _, tag := range ps[i].Tags {
			if tag.Inherited {
				t.Errorf("%s passage %d inherited %s: %+v", ps[i].Kind, i, tag.Norm, tag)
			}
		}
	}
	if hasNorm(ps[7].Tags, "g", true) {
		t.Errorf("a note shaped like a heading passed (g) on: %+v", ps[7].Tags)
	}
	if !hasNorm(ps[8].Tags, "f", false) && !hasNorm(ps[8].Tags, "g", false) {
		t.Errorf("a note lost the direct tag of its own words: %+v", ps[8].Tags)
	}
}

// hasNorm reports whether tags hold norm; inherited says which kind of
// tag to look for.
func hasNorm(tags []corpus.Tag, norm string, inherited bool) bool {
	for _, t := range tags {
		if t.Norm == norm && t.Inherited == inherited {
			return true
		}
	}
	return false
}
