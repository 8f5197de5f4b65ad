// Package pipeline runs normtag's stages — discover, extract, segment, tag,
// store, index — over many files with bounded concurrency, cancellation and
// a result for every input file.
package pipeline

import (
	"context"
	"fmt"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/minhash"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/segment"
	"github.com/normtag/normtag/pipeline/tag"
)

// Extractor turns one file into a Document with pages. Implementations
// return *corpus.Error values so failures can be classified.
type Extractor interface {
	Extract(ctx context.Context, path string) (*corpus.Document, error)
}

// UnsafeInProcess extracts in the calling process, with no time or memory
// limit: a hostile PDF can hang or crash the caller. Use it only for input
// you trust (tests over the repository's own samples); untrusted files go
// through an isolating extractor such as isolate.Pool.
type UnsafeInProcess struct {
	Options extract.Options
}

// Extract implements Extractor.
func (e UnsafeInProcess) Extract(ctx context.Context, path string) (*corpus.Document, error) {
	return extract.File(ctx, path, e.Options)
}

// DefaultMaxPassages is the most passages one document may have when no
// other limit is given. Every passage is held, stored and indexed by the
// ingesting process; 200,000 is some 20 times the longest real
// submission and keeps that process within a few hundred MiB. It is the
// index's limit too (datadir.DefaultMaxPassages), defined there once so
// the two cannot drift apart.
const DefaultMaxPassages = datadir.DefaultMaxPassages

// Analyse runs the text stages on an extracted document: it splits the
// pages into passages and tags them, recording the rules version. A
// document with more than DefaultMaxPassages passages fails as too-large.
func Analyse(doc *corpus.Document, tagger *tag.Tagger) error {
	return analyse(doc, tagger, DefaultMaxPassages)
}

// analyse is Analyse with a passage limit (0: DefaultMaxPassages),
// checked before tagging, the costlier stage.
func analyse(doc *corpus.Document, tagger *tag.Tagger, maxPassages int) error {
	if maxPassages <= 0 {
		maxPassages = DefaultMaxPassages
	}
	doc.Passages = segment.Passages(doc.Pages)
	if len(doc.Passages) == 0 {
		return corpus.Errorf(corpus.ReasonNoText, "no text found in %d page(s)", doc.PageCount)
	}
	if n := len(doc.Passages); n > maxPassages {
		doc.Passages = nil
		return corpus.Errorf(corpus.ReasonTooLarge, "%d passages, more than the limit of %d per document (--max-passages)", n, maxPassages)
	}
	tagger.Tag(doc.Passages)
	doc.RulesVersion = tagger.Version()
	return nil
}

// ExtractAndAnalyse is Extract followed by Analyse, for one file.
func ExtractAndAnalyse(ctx context.Context, ex Extractor, tagger *tag.Tagger, path string) (*corpus.Document, error) {
	return extractAndAnalyse(ctx, ex, tagger, path, DefaultMaxPassages)
}

func extractAndAnalyse(ctx context.Context, ex Extractor, tagger *tag.Tagger, path string, maxPassages int) (*corpus.Document, error) {
	doc, err := ex.Extract(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := analyse(doc, tagger, maxPassages); err != nil {
		return nil, fmt.Errorf("analyse %s: %w", path, err)
	}
	return doc, nil
}

// AnalyseExtracted is everything ingest does to an extracted document
// before storing it: passages (at most maxPassages, 0 for
// DefaultMaxPassages), tags, and the near-duplicate signature. name is the
// file's path, for messages. A local ingest and a remote worker both call
// it, so the two cannot drift apart.
func AnalyseExtracted(doc *corpus.Document, tagger *tag.Tagger, name string, maxPassages int) error {
	if err := analyse(doc, tagger, maxPassages); err != nil {
		return fmt.Errorf("analyse %s: %w", name, err)
	}
	// The signature is computed here, by whoever extracted, rather than
	// by the one writer, which every document waits for.
	doc.Signature = minhash.Signature(passageText(doc))
	return nil
}
