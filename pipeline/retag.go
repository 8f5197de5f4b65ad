package pipeline

import (
	"context"
	"fmt"
	"github.com/normtag/normtag/datadir"
	"log/slog"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/pipeline/tag"
)

// RetagSummary says what re-tagging changed.
type RetagSummary struct {
	Documents int `json:"documents"` // documents re-tagged
	Skipped   int `json:"skipped"`   // already tagged by this rules version
	Passages  int `json:"passages"`
	// Added and Removed count, per norm, passages that gained or lost it.
	Added        map[string]int `json:"added"`
	Removed      map[string]int `json:"removed"`
	RulesVersion string         `json:"rules_version"`
	Duration     time.Duration  `json:"duration_ns"`
}

// RetagOptions configures Retag.
type RetagOptions struct {
	// All re-tags documents already tagged by this rules version too.
	All    bool
	Logger *slog.Logger
}

// Retag re-tags every stored passage with tagger, without re-extracting,
// and updates the index. Each document's tags are replaced in one
// transaction; an interrupted run leaves some documents on the old rules
// and is finished by running again.
func Retag(ctx context.Context, d *datadir.Dir, tagger *tag.Tagger, opts RetagOptions) (*RetagSummary, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sum := &RetagSummary{Added: map[string]int{}, Removed: map[string]int{}, RulesVersion: tagger.Version()}
	wctx := context.WithoutCancel(ctx)
	var pending []*corpus.Document
	passages, lastFlush := 0, time.Now()
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		err := d.UpdateIndex(wctx, func(ix *index.Index) error {
			if err := ix.IndexDocuments(wctx, pending); err != nil {
				return err
			}
			ids := make([]string, len(pending))
			for i, doc := range pending {
				ids[i] = doc.ID
			}
			return d.Store.MarkIndexed(wctx, ids, true)
		})
		pending, passages, lastFlush = pending[:0], 0, time.Now()
		return err
	}
	err := d.Store.EachDocument(ctx, corpus.WithPassages, func(doc *corpus.Document) error {
		if doc.RulesVersion == sum.RulesVersion && !opts.All {
			sum.Skipped++
			return nil
		}
		before := make([]map[string]bool, len(doc.Passages))
		for i := range doc.Passages {
			before[i] = map[string]bool{}
			for _, t := range doc.Passages[i].Tags {
				before[i][t.Norm] = true
			}
			doc.Passages[i].Tags = nil
		}
		tagger.Tag(doc.Passages)
		for i, p := range doc.Passages {
			after := map[string]bool{}
			for _, t := range p.Tags {
				after[t.Norm] = true
				if !before[i][t.Norm] {
					sum.Added[t.Norm]++
				}
			}
			for n := range before[i] {
				if !after[n] {
					sum.Removed[n]++
				}
			}
		}
		if err := d.Store.ReplaceTags(wctx, doc.ID, doc.Passages, sum.RulesVersion); err != nil {
			return err
		}
		sum.Documents++
		sum.Passages += len(doc.Passages)
		log.Debug("retagged", "doc", doc.ID, "passages", len(doc.Passages))
		pending = append(pending, doc)
		passages += len(doc.Passages)
		if flushDue(len(pending), passages, lastFlush) {
			return flush()
		}
		return nil
	})
	if ferr := flush(); ferr != nil && err == nil {
		err = ferr
	}
	sum.Duration = time.Since(start)
	if err != nil {
		return sum, fmt.Errorf("retag: %w", err)
	}
	return sum, nil
}
