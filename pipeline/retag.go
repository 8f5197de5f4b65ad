package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/batchgc"
	"github.com/normtag/normtag/pipeline/tag"
)

// RetagSummary says what re-tagging changed.
type RetagSummary struct {
	Documents int `json:"documents"` // documents re-tagged
	// Changed counts re-tagged documents whose tags changed: only these
	// are written to the store and the index.
	Changed  int `json:"changed"`
	Skipped  int `json:"skipped"` // already tagged by this rules version
	Passages int `json:"passages"`
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
// and is finished by running again. A document whose tags come out the
// same is not written at all (only its rules version, when that changed),
// so re-tagging with rules that change little costs little more than
// reading and tagging.
func Retag(ctx context.Context, d *datadir.Dir, tagger *tag.Tagger, opts RetagOptions) (*RetagSummary, error) {
	defer batchgc.Tune()()
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sum := &RetagSummary{Added: map[string]int{}, Removed: map[string]int{}, RulesVersion: tagger.Version()}
	// Writes must not be torn by cancellation; the run stops between
	// documents.
	wctx := context.WithoutCancel(ctx)
	ixw, err := d.NewIndexWriter()
	if err != nil {
		return nil, fmt.Errorf("retag: %w", err)
	}
	// Documents whose tags did not change but whose rules version did are
	// recorded in batches: one transaction each, not one per document.
	var sameTags []string
	recordSame := func() error {
		err := d.Store.SetRulesVersion(wctx, sameTags, sum.RulesVersion)
		sameTags = sameTags[:0]
		return err
	}
	err = d.Store.EachDocument(ctx, corpus.WithPassages, func(doc *corpus.Document) error {
		if doc.RulesVersion == sum.RulesVersion && !opts.All {
			sum.Skipped++
			return nil
		}
		old := make([][]corpus.Tag, len(doc.Passages))
		for i := range doc.Passages {
			old[i] = doc.Passages[i].Tags
			doc.Passages[i].Tags = nil
		}
		tagger.Tag(doc.Passages)
		sum.Documents++
		sum.Passages += len(doc.Passages)
		changed := false
		for i, p := range doc.Passages {
			if tagsEqual(old[i], p.Tags) {
				continue
			}
			changed = true
			before := make(map[string]bool, len(old[i]))
			for _, t := range old[i] {
				before[t.Norm] = true
			}
			after := make(map[string]bool, len(p.Tags))
			for _, t := range p.Tags {
				after[t.Norm] = true
				if !before[t.Norm] {
					sum.Added[t.Norm]++
				}
			}
			for n := range before {
				if !after[n] {
					sum.Removed[n]++
				}
			}
		}
		if !changed {
			if doc.RulesVersion != sum.RulesVersion {
				sameTags = append(sameTags, doc.ID)
				if len(sameTags) >= sameTagsBatch {
					return recordSame()
				}
			}
			return nil
		}
		if err := d.Store.ReplaceTags(wctx, doc.ID, doc.Passages, sum.RulesVersion); err != nil {
			return err
		}
		sum.Changed++
		log.Debug("retagged", "doc", doc.ID, "passages", len(doc.Passages))
		return ixw.Add(wctx, doc)
	})
	if rerr := recordSame(); rerr != nil && err == nil {
		err = rerr
	}
	if ferr := ixw.Flush(wctx); ferr != nil && err == nil {
		err = ferr
	}
	sum.Duration = time.Since(start)
	if err != nil {
		return sum, fmt.Errorf("retag: %w", err)
	}
	return sum, nil
}

// sameTagsBatch is the most unchanged documents whose new rules version
// is recorded in one transaction.
const sameTagsBatch = 512

// tagsEqual reports whether two tag lists are the same, in the same order,
// down to scores and evidence: only then may a document keep what the
// store and the index hold.
func tagsEqual(a, b []corpus.Tag) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Norm != y.Norm || x.Score != y.Score || x.Inherited != y.Inherited || len(x.Evidence) != len(y.Evidence) {
			return false
		}
		for j := range x.Evidence {
			if x.Evidence[j] != y.Evidence[j] {
				return false
			}
		}
	}
	return true
}
