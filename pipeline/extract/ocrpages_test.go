package extract

import (
	"testing"

	"github.com/normtag/normtag/corpus"
)

// TestTextLayerPack: the pages with text choose the pack the scanned
// ones are read in, when they say enough and the pack is installed.
func TestTextLayerPack(t *testing.T) {
	fr := "Les États ne devraient pas mener ni soutenir sciemment des activités qui endommagent les infrastructures critiques, et ils doivent protéger les leurs."
	zh := "各国不应开展或故意支持蓄意损害向公众提供服务的关键基础设施的活动，并应当保护本国的关键基础设施免受信通技术威胁。"
	doc := func(texts ...string) *corpus.Document {
		d := &corpus.Document{}
		for i, text := range texts {
			d.Pages = append(d.Pages, corpus.Page{Number: i + 1, Text: text})
		}
		return d
	}
	all := []string{"eng", "fra", "spa", "ara", "rus", "chi_sim"}
	for _, c := range []struct {
		name      string
		doc       *corpus.Document
		blank     []int
		installed []string
		want      string
	}{
		{"French text page", doc(fr, ""), []int{2}, all, "fra"},
		{"Chinese text page", doc("", zh), []int{1}, all, "chi_sim"},
		{"pack not installed", doc(fr, ""), []int{2}, []string{"eng", "ara"}, ""},
		{"only a page number", doc("3", ""), []int{2}, all, ""},
		{"every page scanned", doc(fr, ""), []int{1, 2}, all, ""}, // Always: the text layer is replaced
	} {
		if got := textLayerPack(c.doc, c.blank, c.installed); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
