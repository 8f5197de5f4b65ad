// Package eval measures a tagger against gold passages: per-norm
// precision, recall and F1, micro and macro averages, the confusion between
// gold and predicted norms, top-1 accuracy, noise (extra norms, tagged
// no-norm passages) and what each rule contributes, right and wrong. It
// also compares two rule sets passage by passage.
package eval

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/segment"
	"github.com/normtag/normtag/pipeline/tag"
)

// Mode says how gold passages are tagged.
type Mode string

const (
	// Isolated tags every gold passage alone, without section context:
	// what the rules' vocabulary finds by itself.
	Isolated Mode = "isolated"
	// Document tags each gold passage's whole document and finds the
	// passage in it, so that section headings carry their norms as they
	// do when the document is ingested.
	Document Mode = "document"
)

// Extractor turns a file into a document with pages; isolate.Pool and
// pipeline.UnsafeInProcess are extractors.
type Extractor interface {
	Extract(ctx context.Context, path string) (*corpus.Document, error)
}

// Options configure Run.
type Options struct {
	Mode Mode // default Isolated
	// Kind keeps only gold passages of this kind ("header", "body");
	// empty keeps all.
	Kind string
	// Extractor reads the documents of Document mode.
	Extractor Extractor
	// DocDir is the folder gold passages' Doc paths are relative to
	// (the gold file's folder).
	DocDir string
}

// Outcome is one gold passage and the tags it got.
type Outcome struct {
	Gold Gold         `json:"gold"`
	Tags []corpus.Tag `json:"tags"`
	// Unmatched is set in Document mode when the passage was not found
	// in its tagged document; it then counts as untagged.
	Unmatched bool `json:"unmatched,omitempty"`
}

// Predicted returns the letters of the outcome's tags, best first.
func (o Outcome) Predicted() []string {
	out := make([]string, len(o.Tags))
	for i, t := range o.Tags {
		out[i] = t.Norm
	}
	return out
}

// ErrNoDocument is returned in Document mode for a gold passage that names
// no document (the held-out format).
var ErrNoDocument = errors.New(`document mode needs a "doc" on every gold passage`)

// Run tags the gold passages with t and returns their outcomes, in gold
// order, with the figures computed from them.
func Run(ctx context.Context, gold []Gold, t *tag.Tagger, opts Options) (*Result, error) {
	gold = filterKind(gold, opts.Kind)
	if len(gold) == 0 {
		return nil, fmt.Errorf("no gold passages of kind %q: %w", opts.Kind, ErrNoGold)
	}
	var outcomes []Outcome
	switch opts.Mode {
	case "", Isolated:
		outcomes = make([]Outcome, len(gold))
		for i, g := range gold {
			if i%256 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			outcomes[i] = Outcome{Gold: g, Tags: t.TagText(g.Text)}
		}
	case Document:
		var err error
		if outcomes, err = tagInDocuments(ctx, gold, t, opts); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("mode %q: want %q or %q", opts.Mode, Isolated, Document)
	}
	return &Result{Mode: modeOr(opts.Mode), RulesVersion: t.Version(), Outcomes: outcomes, Figures: Measure(outcomes)}, nil
}

func modeOr(m Mode) Mode {
	if m == "" {
		return Isolated
	}
	return m
}

func filterKind(gold []Gold, kind string) []Gold {
	if kind == "" {
		return gold
	}
	var out []Gold
	for _, g := range gold {
		if g.Kind == kind || g.Kind == "" && kind == "body" {
			out = append(out, g)
		}
	}
	return out
}

// tagInDocuments extracts, segments and tags each gold document once and
// gives every gold passage the tags of the passage(s) it is found as.
func tagInDocuments(ctx context.Context, gold []Gold, t *tag.Tagger, opts Options) ([]Outcome, error) {
	if opts.Extractor == nil {
		return nil, errors.New("document mode needs an extractor")
	}
	docs := map[string][]docPassage{}
	out := make([]Outcome, len(gold))
	for i, g := range gold {
		if g.Doc == "" {
			return nil, fmt.Errorf("gold line %d: %w", g.Line, ErrNoDocument)
		}
		ps, ok := docs[g.Doc]
		if !ok {
			path := g.Doc
			if !filepath.IsAbs(path) {
				path = filepath.Join(opts.DocDir, path)
			}
			doc, err := opts.Extractor.Extract(ctx, path)
			if err != nil {
				return nil, fmt.Errorf("gold document %s: %w", path, err)
			}
			passages := segment.Passages(doc.Pages)
			t.Tag(passages)
			ps = make([]docPassage, len(passages))
			for k, p := range passages {
				ps[k] = docPassage{folded: strings.Join(tag.Words(segment.Normalize(p.Text)), " "), tags: p.Tags}
			}
			docs[g.Doc] = ps
		}
		tags, found := findPassage(ps, g.Text)
		out[i] = Outcome{Gold: g, Tags: tags, Unmatched: !found}
	}
	return out, nil
}

// docPassage is a tagged passage of a gold document, its text folded as
// the tagger folds it so that line breaks, hyphens and quotes do not
// decide whether texts are the same.
type docPassage struct {
	folded string
	tags   []corpus.Tag
}

// findPassage finds a gold text among a document's passages: the passage
// with the same words; else the one containing them (the segmenter joined
// the gold passage to a neighbour); else the passages it contains (the
// segmenter split it), whose tags are merged; else the passage that starts
// with the same ten words.
func findPassage(ps []docPassage, text string) ([]corpus.Tag, bool) {
	// The segmenter normalises (NFKC: "²⁶" becomes "26"); so must the
	// gold text before both are folded.
	words := tag.Words(segment.Normalize(text))
	want := strings.Join(words, " ")
	for _, p := range ps {
		if p.folded == want {
			return p.tags, true
		}
	}
	for _, p := range ps {
		if len(p.folded) > len(want) && strings.Contains(" "+p.folded+" ", " "+want+" ") {
			return p.tags, true
		}
	}
	var parts [][]corpus.Tag
	covered := 0
	for _, p := range ps {
		if p.folded != "" && strings.Contains(" "+want+" ", " "+p.folded+" ") {
			parts = append(parts, p.tags)
			covered += len(p.folded) + 1
		}
	}
	// The parts must make up most of the gold text, not be a stray short
	// line ("Norm 7") that happens to occur in it.
	if len(parts) > 0 && covered*10 >= len(want)*8 {
		return mergeTags(parts), true
	}
	if len(words) >= 10 {
		prefix := strings.Join(words[:10], " ")
		for _, p := range ps {
			if strings.HasPrefix(p.folded+" ", prefix+" ") {
				return p.tags, true
			}
		}
	}
	return nil, false
}

// mergeTags unites the tags of several passages, keeping each norm's best
// score, best first.
func mergeTags(parts [][]corpus.Tag) []corpus.Tag {
	var out []corpus.Tag
	for _, tags := range parts {
		for _, t := range tags {
			k := slices.IndexFunc(out, func(o corpus.Tag) bool { return o.Norm == t.Norm })
			switch {
			case k < 0:
				out = append(out, t)
			case t.Score > out[k].Score:
				out[k] = t
			}
		}
	}
	corpus.SortTags(out)
	return out
}
