package tag

import (
	"bufio"
	"encoding/json"
	"os"
	"sort"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// TestOfftopicCorpus re-tags passages extracted from a corpus that is not
// about cyber norms and reports the share that get a tag. The passages
// come from NORMTAG_OFFTOPIC_JSONL, the output of
//
//	normtag tag --format jsonl ../shared/corpora/robustness/**/*.pdf
//
// (bench/offtopic/run.sh writes it and runs this test); they are not
// committed. Documents are re-tagged whole, in order, so that headings
// give their context as in ingest. The robustness corpus (589 documents
// with text, 8291 passages) had 1.80% of its passages tagged before ICT
// context was required, chiefly "privacy" in a paper on differential
// privacy and "encryption" and "bug fix" in a PDF library's manual; with
// ICT context required, 0.06% (5: "privacy" next to "Internet" in
// authors' notes, "security weaknesses" next to "encryption").
func TestOfftopicCorpus(t *testing.T) {
	path := os.Getenv("NORMTAG_OFFTOPIC_JSONL")
	if path == "" {
		t.Skip("skipping: set NORMTAG_OFFTOPIC_JSONL to the output of normtag tag --format jsonl over an off-topic corpus (bench/offtopic/run.sh)")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs [][]corpus.Passage
	last := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var p struct {
			Doc string `json:"doc"`
			corpus.Passage
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if p.Doc != last || len(docs) == 0 {
			docs = append(docs, nil)
			last = p.Doc
		}
		p.Passage.Tags = nil
		docs[len(docs)-1] = append(docs[len(docs)-1], p.Passage)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	tg := mustDefault(t)
	total, tagged := 0, 0
	rules := map[string]int{}
	for _, d := range docs {
		tg.Tag(d)
		for _, p := range d {
			total++
			if len(p.Tags) == 0 {
				continue
			}
			tagged++
			for _, tag := range p.Tags {
				for _, e := range tag.Evidence {
					rules[e.Rule]++
				}
			}
			if testing.Verbose() {
				t.Logf("tagged %q: %.160q", letters(p.Tags), p.Text)
			}
		}
	}
	var names []string
	for r := range rules {
		names = append(names, r)
	}
	sort.Slice(names, func(i, j int) bool { return rules[names[i]] > rules[names[j]] })
	for _, r := range names {
		t.Logf("  %-36s %d", r, rules[r])
	}
	share := float64(tagged) / float64(max(total, 1))
	t.Logf("%d documents, %d passages: %d tagged = %.2f%%", len(docs), total, tagged, 100*share)
	if share > 0.002 {
		t.Errorf("%.2f%% of off-topic passages tagged, want at most 0.20%%", 100*share)
	}
}
