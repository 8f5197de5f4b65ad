// Package suggest mines candidate tagging rules from a corpus: word
// n-grams (one to four words, folded as the tagger folds them) that occur
// in the passages labelled with a norm and seldom elsewhere. Labels come
// from the corpus itself: a body passage under a heading that names a
// norm explicitly ("Norm 7", "13 (g)", or the norm's official text) is
// labelled with it. Candidates are printed, never applied: a person adds
// the ones worth keeping to a rules file and measures them with eval.
package suggest

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/pipeline/tag"
)

// Options tune Mine.
type Options struct {
	// Norms keeps candidates for these norms only (letters); empty: all.
	Norms []string
	// MinSupport is the fewest labelled passages of the norm a phrase
	// must occur in (default 3).
	MinSupport int
	// MinPrecision is the lowest estimated precision a candidate may
	// have (default 0.6).
	MinPrecision float64
	// PerNorm is the most candidates kept per norm (default 5).
	PerNorm int
	// MaxWords is the longest phrase, in words (default 4).
	MaxWords int
	// Labeler labels a document's body passages (default Labels, the
	// sections): a passage in its map is labelled, with the norms listed
	// (none: a passage known to be on none of them).
	Labeler func(*corpus.Document) map[int][]string
}

func (o *Options) defaults() {
	if o.MinSupport <= 0 {
		o.MinSupport = 3
	}
	if o.MinPrecision <= 0 {
		o.MinPrecision = 0.6
	}
	if o.PerNorm <= 0 {
		o.PerNorm = 5
	}
	if o.MaxWords <= 0 || o.MaxWords > 4 {
		o.MaxWords = 4
	}
	if o.Labeler == nil {
		o.Labeler = Labels
	}
}

// Candidate is a phrase that separates one norm's passages from the rest.
type Candidate struct {
	Norm   string `json:"norm"`
	Phrase string `json:"phrase"` // folded words, as a rule phrase
	// Precision is the share of labelled passages containing the phrase
	// that are labelled with Norm; Recall the share of Norm's labelled
	// passages containing it.
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	Support   int     `json:"support"`  // Norm's passages containing it
	Labelled  int     `json:"labelled"` // labelled passages (any norm) containing it
	// New counts Norm's passages containing it that the stored tags do
	// not carry Norm directly: what a rule on it would add.
	New int `json:"new"`
	// Unlabelled counts passages under no norm heading containing it:
	// where a rule on it would also fire, right or wrong.
	Unlabelled int `json:"unlabelled"`
	// Weight is the weight proposed for a rule on the phrase, from its
	// precision if half its unlabelled passages were wrong.
	Weight   float64   `json:"weight"`
	Examples []Example `json:"examples"`

	passages []int32 // indexes of Norm's passages containing it
}

// Example is a labelled passage a candidate occurs in.
type Example struct {
	Doc   string `json:"doc"`
	Title string `json:"title"`
	Page  int    `json:"page"`
	// Sentence is the sentence of the passage holding the phrase.
	Sentence string `json:"sentence"`
}

// Result is what Mine found.
type Result struct {
	Documents int `json:"documents"`
	Passages  int `json:"passages"` // body passages read
	// Labelled counts, per norm, the passages labelled with it.
	Labelled   map[string]int `json:"labelled"`
	Candidates []Candidate    `json:"candidates"`
}

// Each calls fn for every document of the corpus with its passages and
// tags; Mine walks the corpus twice.
type Each func(ctx context.Context, fn func(*corpus.Document) error) error

// labelled is a passage under a heading that names norms.
type labelled struct {
	doc, title string
	page       int
	text       string
	norms      []string
	direct     []string // norms its stored tags carry from its own words
}

// gramStat counts one phrase: per norm, the labelled passages holding it
// and those of them not tagged with the norm directly.
type gramStat struct {
	pos, fresh [11]int32
	labelled   int32
	unlabelled int32
	passages   []int32
}

// Mine finds candidate rules. It reads the corpus twice: labelled
// passages first, whose phrases are counted, then the unlabelled ones,
// counting only the phrases that became candidates.
func Mine(ctx context.Context, each Each, opts Options) (*Result, error) {
	opts.defaults()
	res := &Result{Labelled: map[string]int{}}
	var lab []labelled
	err := each(ctx, func(d *corpus.Document) error {
		res.Documents++
		labels := opts.Labeler(d)
		for i, p := range d.Passages {
			if p.KindOf() != corpus.KindBody {
				continue
			}
			res.Passages++
			if ns, ok := labels[i]; ok {
				l := labelled{doc: d.ID, title: d.Title, page: p.Page, text: p.Text, norms: ns}
				for _, t := range p.Tags {
					if !t.Inherited {
						l.direct = append(l.direct, t.Norm)
					}
				}
				lab = append(lab, l)
				for _, n := range ns {
					res.Labelled[n]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	grams := map[string]*gramStat{}
	for i, l := range lab {
		for _, g := range passageGrams(l.text, opts.MaxWords) {
			st := grams[g]
			if st == nil {
				st = &gramStat{}
				grams[g] = st
			}
			st.labelled++
			st.passages = append(st.passages, int32(i))
			for _, n := range l.norms {
				k := n[0] - 'a'
				st.pos[k]++
				if !slices.Contains(l.direct, n) {
					st.fresh[k]++
				}
			}
		}
	}
	var cands []Candidate
	for g, st := range grams {
		for k := range st.pos {
			n := norms.All[k].Letter
			if len(opts.Norms) > 0 && !slices.Contains(opts.Norms, n) {
				continue
			}
			pos := int(st.pos[k])
			if pos < opts.MinSupport {
				continue
			}
			prec := float64(pos) / float64(st.labelled)
			if prec < opts.MinPrecision {
				continue
			}
			c := Candidate{Norm: n, Phrase: g, Precision: prec, Recall: float64(pos) / float64(res.Labelled[n]),
				Support: pos, Labelled: int(st.labelled), New: int(st.fresh[k])}
			for _, i := range st.passages {
				if slices.Contains(lab[i].norms, n) {
					c.passages = append(c.passages, i)
				}
			}
			cands = append(cands, c)
		}
	}
	grams = nil
	if err := countUnlabelled(ctx, each, cands, opts); err != nil {
		return nil, err
	}
	res.Candidates = pick(cands, opts.PerNorm)
	for i := range res.Candidates {
		c := &res.Candidates[i]
		c.Weight = weightFor(c.blended())
		for _, pi := range c.passages {
			if len(c.Examples) == 2 {
				break
			}
			l := lab[pi]
			c.Examples = append(c.Examples, Example{Doc: l.doc, Title: l.title, Page: l.page, Sentence: sentenceWith(l.text, c.Phrase)})
		}
	}
	return res, nil
}

// blended is the precision of a candidate if half the unlabelled passages
// holding it were wrong: a phrase every passage of the corpus uses
// ("increase") may be perfect within the labelled sections and still make
// a poor rule.
func (c Candidate) blended() float64 {
	return float64(c.Support) / (float64(c.Labelled) + float64(c.Unlabelled)/2)
}

// score ranks candidates: the lower bound of the Wilson interval of the
// blended precision (so that 3 of 3 ranks below 30 of 31), times the
// square root of the recall.
func score(c Candidate) float64 {
	n := float64(c.Labelled) + float64(c.Unlabelled)/2
	p := c.blended()
	const z = 1.96
	lb := (p + z*z/(2*n) - z*math.Sqrt((p*(1-p)+z*z/(4*n))/n)) / (1 + z*z/n)
	return lb * math.Sqrt(c.Recall)
}

// pick keeps, per norm, the best candidates, skipping one whose passages
// are mostly those of a better one it overlaps in words ("supply" after
// "supply chain"): it would add nothing a person needs to read.
func pick(cands []Candidate, perNorm int) []Candidate {
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.Norm != b.Norm {
			return a.Norm < b.Norm
		}
		if sa, sb := score(a), score(b); sa != sb {
			return sa > sb
		}
		return a.Phrase < b.Phrase
	})
	var out []Candidate
	kept := map[string][]Candidate{}
	for _, c := range cands {
		if len(kept[c.Norm]) >= perNorm {
			continue
		}
		redundant := false
		for _, k := range kept[c.Norm] {
			if overlapsInWords(c.Phrase, k.Phrase) && sharedShare(c.passages, k.passages) >= 0.8 {
				redundant = true
				break
			}
		}
		if !redundant {
			kept[c.Norm] = append(kept[c.Norm], c)
			out = append(out, c)
		}
	}
	return out
}

func overlapsInWords(a, b string) bool {
	return strings.Contains(" "+a+" ", " "+b+" ") || strings.Contains(" "+b+" ", " "+a+" ")
}

// sharedShare is the share of a's passages that b has too (both sorted).
func sharedShare(a, b []int32) float64 {
	if len(a) == 0 {
		return 1
	}
	n := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// countUnlabelled counts, for each candidate, the body passages under no
// norm heading that contain it.
func countUnlabelled(ctx context.Context, each Each, cands []Candidate, opts Options) error {
	if len(cands) == 0 {
		return nil
	}
	want := map[string][]int{}
	for i, c := range cands {
		want[c.Phrase] = append(want[c.Phrase], i)
	}
	return each(ctx, func(d *corpus.Document) error {
		labels := opts.Labeler(d)
		for i, p := range d.Passages {
			if _, ok := labels[i]; ok || p.KindOf() != corpus.KindBody {
				continue
			}
			for _, g := range passageGrams(p.Text, opts.MaxWords) {
				for _, i := range want[g] {
					cands[i].Unlabelled++
				}
			}
		}
		return nil
	})
}

// weightFor proposes a rule weight from an estimated precision: a phrase
// right four times in five tags alone (weight 0.6 over the default
// threshold of 0.5), one right less often needs company.
func weightFor(precision float64) float64 {
	w := math.Round((precision-0.2)*20) / 20
	return min(max(w, 0.3), 0.8)
}

// Labels returns, by passage index, the norms of the body passages of d
// that lie in a section whose heading names norms explicitly: a heading
// whose tags come from an explicit reference ("Norm 7", "13 (g)") or a
// quote of a norm's official text, or a paragraph that opens with a
// reference or with a norm's marker and its quoted text ("(g) States
// should take appropriate measures…"), as the tagger opens sections. The
// section runs to the next heading of the same or a higher level.
// Sections opened by a heading's theme alone do not label: those are what
// the rules already think. The stored tags are read, not the inherited
// ones, since a passage that names its section's norm itself carries no
// inherited tag for it.
func Labels(d *corpus.Document) map[int][]string {
	type section struct {
		level int
		norms []string
	}
	var stack []section
	open := func(level int, named []string) {
		for len(stack) > 0 && stack[len(stack)-1].level >= level {
			stack = stack[:len(stack)-1]
		}
		if len(named) > 0 {
			stack = append(stack, section{level, named})
		}
	}
	out := map[int][]string{}
	for i, p := range d.Passages {
		switch p.KindOf() {
		case corpus.KindHeading:
			open(max(p.Level, 1), explicitNorms(p, "reference", "quote"))
			continue
		case corpus.KindBody:
		default:
			continue
		}
		if named := openerNorms(p); len(named) > 0 {
			open(openerLevel, named)
			continue
		}
		if len(stack) > 0 {
			out[i] = stack[len(stack)-1].norms
		}
	}
	return out
}

// openerLevel ranks a norm-opening paragraph below every heading, as the
// tagger does.
const openerLevel = 100

// openerNorms are the norms a paragraph opens a section for: those it
// refers to explicitly when it starts with a reference, or its marker's
// norm when it starts "(x)" and quotes that norm's text.
func openerNorms(p corpus.Passage) []string {
	for _, t := range p.Tags {
		for _, e := range t.Evidence {
			if e.Rule == "reference" && e.Start <= 2 {
				return explicitNorms(p, "reference")
			}
		}
	}
	text := strings.TrimSpace(p.Text)
	if len(text) >= 4 && text[0] == '(' && text[1] >= 'a' && text[1] <= 'k' && text[2] == ')' {
		marker := text[1:2]
		for _, n := range explicitNorms(p, "quote") {
			if n == marker {
				return []string{n}
			}
		}
	}
	return nil
}

// explicitNorms are the norms of p's tags that have evidence from one of
// rules.
func explicitNorms(p corpus.Passage, rules ...string) []string {
	var out []string
	for _, t := range p.Tags {
		if t.Inherited {
			continue
		}
		for _, e := range t.Evidence {
			if slices.Contains(rules, e.Rule) {
				out = append(out, t.Norm)
				break
			}
		}
	}
	return out
}

// passageGrams returns the distinct phrases of one to maxWords words of a
// text, folded, that neither start nor end with a function word and hold
// no number or single letter: those make poor rules.
func passageGrams(text string, maxWords int) []string {
	words := tag.Words(text)
	seen := map[string]bool{}
	var out []string
	for i := range words {
		if !contentWord(words[i]) {
			continue
		}
		for n := 1; n <= maxWords && i+n <= len(words); n++ {
			last := words[i+n-1]
			if isNumberOrLetter(last) {
				break
			}
			if !contentWord(last) {
				continue
			}
			g := strings.Join(words[i:i+n], " ")
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

func contentWord(w string) bool {
	return !stopWords[w] && !isNumberOrLetter(w)
}

func isNumberOrLetter(w string) bool {
	if len(w) <= 1 {
		return true
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// sentenceWith returns the sentence of text that holds phrase (folded
// words), or the start of the text; an example a rule must match.
func sentenceWith(text, phrase string) string {
	start := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && !(text[i] == '.' || text[i] == ';' || text[i] == '?' || text[i] == '!') {
			continue
		}
		s := strings.TrimSpace(text[start:min(i+1, len(text))])
		if strings.Contains(" "+strings.Join(tag.Words(s), " ")+" ", " "+phrase+" ") {
			return s
		}
		start = i + 1
	}
	return text
}

// stopWords are function words of English, French and Spanish, and words
// every policy paragraph uses; a phrase may hold them inside ("protection
// of hospitals") but not start or end with them.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but nor of to in on at by for with from into onto as is are was were be been being
		this that these those it its their they them there here which who whom whose what when where while how
		not no also such than then so if we our us you your he she his her has have had do does did can could
		will would shall should may might must any all each every other another more most some many much very
		about over under between within without through during before after against upon per via both either
		one two three first second new well only own same just even further including include includes
		le la les un une des du de et ou en dans sur pour par avec au aux ce ces cette qui que ne pas est sont
		el los las del y o por para con al lo su sus se que es son como una uno
		states state should norm norms paragraph ict icts use`) {
		m[w] = true
	}
	return m
}()
