package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bbolt "go.etcd.io/bbolt"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/batchgc"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/textcut"
)

// versionFile records the mapping version an index was built with.
const versionFile = "normtag-mapping-version"

// Index is an open passage index.
type Index struct {
	bi  bleve.Index
	dir string

	buildOnce sync.Once // makes docs on the first write
	docs      *documentBuilder
	docsErr   error

	// perGroup is hitsPerGroup's moving average, in hundredths.
	perGroup atomic.Uint64

	// bulk is set for an index opened with OpenOptions.Bulk (see
	// WaitWritten).
	bulk *bulkState
}

// OpenOptions control how an index is opened.
type OpenOptions struct {
	// ReadOnly opens an existing index for searching only.
	ReadOnly bool
	// NoVerify skips the checksum of the segment files (see Verify): for
	// a writer's short batches, which its process verified when it began.
	NoVerify bool
	// Bulk is for building an index that nobody reads yet (Build): a
	// batch returns once it is searchable in memory, without waiting
	// for its segment file to be written and synced, so that building
	// the next batch overlaps that writing; WaitWritten waits for all of
	// them. Closing a bulk index before WaitWritten loses what was not
	// yet written.
	Bulk bool
	// NoMerge opens an index for changes that are the last before it is
	// closed (a writer's last batch): it merges no segments, since
	// closing would abort the merge, and only takes a core from the
	// batch meanwhile. The next handle that opens it without NoMerge
	// merges them.
	NoMerge bool
}

// ErrBusy is returned when the index stayed held by other handles (a
// writer committing a batch keeps readers out, open readers keep a
// writer out) until the caller's context ended.
var ErrBusy = errors.New("index is busy (another normtag process is using it)")

// ErrOutdated is returned when opening an index built with another
// mapping version. Writers rebuild such an index from the corpus; readers
// report it.
var ErrOutdated = errors.New("the index was built by another normtag version: run `normtag reindex` (any ingest, retag or check also rebuilds it)")

// Outdated reports whether the index in dir was built with another
// mapping version.
func Outdated(dir string) bool {
	v, err := os.ReadFile(filepath.Join(dir, versionFile))
	return err == nil && strings.TrimSpace(string(v)) != MappingVersion
}

// ErrMissing is returned by a read-only open of an index that does not exist.
var ErrMissing = errors.New("no index yet (ingest something first)")

// busyRetry is how often Open tries again for an index another handle
// holds. A writer pauses longer than this between batches, so a waiting
// reader gets in.
const busyRetry = 20 * time.Millisecond

// Open opens the index in dir, creating it when absent (unless ReadOnly).
// scorch guards its root file with a file lock (bbolt's): shared for
// readers, exclusive for a writer. While that lock is taken, Open tries
// again every busyRetry until ctx ends, and then returns an error
// wrapping ErrBusy and ctx's error.
func Open(ctx context.Context, dir string, opts OpenOptions) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); errors.Is(err, os.ErrNotExist) {
		if opts.ReadOnly {
			return nil, ErrMissing
		}
		if err := create(dir); err != nil {
			return nil, err
		}
		opts.NoVerify = true // nothing written yet
	}
	if v, err := os.ReadFile(filepath.Join(dir, versionFile)); err == nil && strings.TrimSpace(string(v)) != MappingVersion {
		return nil, fmt.Errorf("index %s has mapping version %s, this normtag uses %s: %w", dir, strings.TrimSpace(string(v)), MappingVersion, ErrOutdated)
	}
	// A timeout shorter than bbolt's own retry step makes it try the lock
	// once; the waiting happens here, where ctx can end it.
	cfg := map[string]any{"read_only": opts.ReadOnly, "bolt_timeout": "1ms"}
	if opts.NoMerge {
		// A plan whose budget no set of segments exceeds: as many
		// segments per tier as there can be, each counted at its own
		// size.
		cfg["scorchMergePlanOptions"] = map[string]any{"MaxSegmentsPerTier": math.MaxInt32, "FloorSegmentSize": 1}
	}
	var bulk *bulkState
	if opts.Bulk {
		cfg["unsafe_batch"] = true
		cfg["asyncErrorCallbackName"] = asyncErrors
		// Each batch's segment is written as it is: scorch's persister
		// would otherwise merge the segments that wait for it in
		// memory first, a fourteenth of a reindex's CPU to save a
		// file or two.
		cfg["scorchPersisterOptions"] = map[string]any{"MemoryPressurePauseThreshold": 0}
		bulk = newBulkState(dir)
	}
	for {
		bi, err := openBleve(dir, cfg)
		if err == nil {
			ix := &Index{bi: bi, dir: dir, bulk: bulk}
			if err := ix.verifyUnless(opts.NoVerify); err != nil {
				ix.Close()
				return nil, err
			}
			return ix, nil
		}
		if !errors.Is(err, bbolt.ErrTimeout) {
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open index %s: %w: %w", dir, ErrBusy, context.Cause(ctx))
		case <-time.After(busyRetry):
		}
	}
}

// openBleve opens an existing index. An index that exists but does not
// open, for another reason than a lock held or a permission missing, has
// damaged files: the error then wraps ErrDamaged.
func openBleve(dir string, cfg map[string]any) (bi bleve.Index, err error) {
	defer recoverDamage("read index files", &err)
	bi, err = bleve.OpenUsing(dir, cfg)
	if err != nil && !errors.Is(err, bbolt.ErrTimeout) && !errors.Is(err, fs.ErrPermission) && !errors.Is(err, ErrDamaged) {
		err = fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	return bi, err
}

func (ix *Index) verifyUnless(skip bool) error {
	if skip {
		return nil
	}
	return ix.Verify()
}

func create(dir string) error {
	m, err := newMapping()
	if err != nil {
		return fmt.Errorf("index mapping: %w", err)
	}
	// bleve writes a new index's files one after another, and a reader
	// that opened it in between (or after a kill in between) would find
	// it damaged. So the index is made under another name, complete with
	// its mapping and version file, and renamed into place: dir is either
	// absent or whole.
	tmp := dir + CreatingSuffix
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	bi, err := bleve.NewUsing(tmp, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	err = os.WriteFile(filepath.Join(tmp, versionFile), []byte(MappingVersion+"\n"), 0o644)
	// Closed before the rename: Windows renames no directory with open
	// files.
	if cerr := bi.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	return nil
}

// CreatingSuffix ends the name of an index directory being created (see
// create); one left by a killed process is removed by the next writer.
const CreatingSuffix = ".creating"

// Close closes the index.
func (ix *Index) Close() error {
	err := ix.bi.Close()
	if ix.bulk != nil {
		ix.bulk.forget()
	}
	return err
}

// Dir is the index directory.
func (ix *Index) Dir() string { return ix.dir }

// passageID is the bleve document id of a passage.
func passageID(docID string, seq int) string { return docID + "/" + strconv.Itoa(seq) }

// passageDoc is what the index stores of a passage, as a value for
// bleve's mapping (the reference documentBuilder is tested against).
func passageDoc(d *corpus.Document, p corpus.Passage) map[string]any {
	doc := map[string]any{}
	passageValues(d, documentLanguage(d), p, func(field string, v any) { doc[field] = v })
	return doc
}

// passageValues gives put each field of a passage's index document with
// its value: a string, a []string, a float64 or a bool. dl is the
// document's language (documentLanguage).
func passageValues(d *corpus.Document, dl docLanguage, p corpus.Passage, put func(field string, v any)) {
	norms := make([]string, 0, len(p.Tags))
	direct := make([]string, 0, len(p.Tags))
	for _, t := range p.Tags {
		norms = append(norms, t.Norm)
		if !t.Inherited {
			direct = append(direct, t.Norm)
		}
	}
	put(FieldText, p.Text)
	// The passage's own language: a document may mix them (a French
	// summary in an English report), and the document's language only
	// settles passages too short to tell.
	put(FieldLang, lang.Detect(p.Text, dl.code))
	put(FieldTitle, bound(d.Title))
	put(FieldNorm, norms)
	put(FieldDirect, direct)
	put(FieldDoc, d.ID)
	put(FieldFile, bound(d.FileName))
	put(FieldPath, d.Path)
	put(FieldPage, float64(p.Page))
	put(FieldSeq, seqKey(p.Seq))
	put(FieldHeading, p.Heading)
	put(FieldKind, string(p.KindOf()))
	if len(p.HeadingPath) > 0 {
		path := make([]string, len(p.HeadingPath))
		for i, h := range p.HeadingPath {
			path[i] = bound(h)
		}
		put(FieldHeadingPath, path)
	}
	if p.PageEnd > p.Page {
		put(FieldPageEnd, float64(p.PageEnd))
	}
	put(FieldDup, copyKey(p.Text))
	if c := lengthClass(p.Text); c != "" {
		put(FieldLength, c)
	}
	if v := bound(d.Submitter()); v != "" {
		put(FieldSubmitter, v)
		put(FieldSubmitterName, v)
	}
	if dl.declared != "" {
		put(FieldDocLang, dl.declared)
	}
	for _, f := range metaFields {
		if v := bound(d.Meta[f.key]); v != "" {
			put(f.field, v)
		}
	}
	if v := bound(strings.TrimSpace(d.Meta["country"])); v != "" {
		put(FieldCountryName, v)
	}
	if ok, conf := corpus.PassageOCR(d.OCRPages(), p); ok {
		put(FieldOCR, "true")
		put(FieldOCRConfidence, conf)
	}
	if t, ok := DocumentDate(d); ok {
		put(FieldDate, dayKey(t))
		put(FieldDateShown, shownDate(d.Meta["date"], t))
		put(FieldYear, strconv.Itoa(t.Year()))
	}
}

// docLanguage is what the index says of a document's language.
type docLanguage struct {
	code     string // one of lang.Languages, or "" when unknown
	declared string // FieldDocLang: as the file writes it ("fr-CA") when that agrees with code
}

// documentLanguage is the language of a document's own text, most of its
// long passages; the file's declared language (metadata "language") is
// kept, as written, when it agrees or when the text is too short to
// tell. A declaration the text contradicts (LibreOffice writes its
// default en-US into Chinese documents) gives way to the text.
func documentLanguage(d *corpus.Document) docLanguage {
	declared := d.Meta["language"]
	code, ok := lang.OfDocument(func(yield func(string) bool) {
		for _, p := range d.Passages {
			if !yield(p.Text) {
				return
			}
		}
	})
	switch {
	case !ok:
		return docLanguage{code: lang.Normalize(declared), declared: declared}
	case lang.Normalize(declared) == code:
		return docLanguage{code: code, declared: declared}
	}
	return docLanguage{code: code, declared: code}
}

// metaFields are the index fields copied from a document's metadata.
var metaFields = []struct{ field, key string }{
	{FieldSubmitterType, "submitter_type"}, {FieldCountry, "country"},
	{FieldTitleSource, corpus.TitleSource}, {FieldDateSource, corpus.DateSource}, {FieldSubmitterSource, corpus.SubmitterSource},
}

// bound cuts a value from the file to corpus.MaxFieldRunes: ingest does
// so before storing, and this covers stores written before it did, whose
// megabyte titles would otherwise be copied into every passage.
func bound(s string) string { return textcut.Runes(s, corpus.MaxFieldRunes) }

// DocumentDate is the date a document speaks for: its metadata "date"
// (YYYY, YYYY-MM or YYYY-MM-DD), if any.
func DocumentDate(d *corpus.Document) (time.Time, bool) {
	v := strings.TrimSpace(d.Meta["date"])
	for _, layout := range []string{"2006-01-02", "2006-01", "2006", time.RFC3339} {
		if len(v) >= len(layout) || layout == time.RFC3339 {
			if t, err := time.Parse(layout, v); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// shownDate is a document's date as precise as its metadata says it:
// YYYY, YYYY-MM or YYYY-MM-DD.
func shownDate(v string, t time.Time) string {
	switch v = strings.TrimSpace(v); len(v) {
	case len("2006"):
		return t.Format("2006")
	case len("2006-01"):
		return t.Format("2006-01")
	}
	return dayKey(t)
}

// IndexDocuments adds documents' passages in one batch, replacing what the
// index held for those documents. A batch is applied atomically.
func (ix *Index) IndexDocuments(ctx context.Context, docs []*corpus.Document) error {
	return ix.indexBatch(docs, func(b *bleve.Batch, d *corpus.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		old, err := ix.passageIDs(d.ID)
		if err != nil {
			return err
		}
		for _, id := range old {
			b.Delete(id)
		}
		return nil
	})
}

// indexBatch puts the passages of docs into one batch and applies it.
// before, when not nil, is called for each document ahead of its
// passages (IndexDocuments deletes the old ones there).
func (ix *Index) indexBatch(docs []*corpus.Document, before func(*bleve.Batch, *corpus.Document) error) (err error) {
	defer recoverDamage("index documents", &err)
	b := ix.bi.NewBatch()
	recent := recentTerms{}
	for _, d := range docs {
		if before != nil {
			if err := before(b, d); err != nil {
				return err
			}
		}
		dl := documentLanguage(d)
		for _, p := range d.Passages {
			if err := ix.add(b, d, dl, p, recent); err != nil {
				return err
			}
		}
	}
	if err := ix.apply(b); err != nil {
		return fmt.Errorf("index batch of %d documents: %w", len(docs), err)
	}
	return nil
}

// apply applies batch b; on a bulk index it counts the batch unwritten
// until scorch reports its segment written.
func (ix *Index) apply(b *bleve.Batch) error {
	if ix.bulk == nil {
		return ix.bi.Batch(b)
	}
	written := ix.bulk.add()
	b.SetPersistedCallback(func(error) { written() })
	if err := ix.bi.Batch(b); err != nil {
		written() // not applied: nothing to wait for
		return err
	}
	return nil
}

// add puts passage p of d, whose language is dl, into batch b; recent is
// the batch's (recentTerms).
func (ix *Index) add(b *bleve.Batch, d *corpus.Document, dl docLanguage, p corpus.Passage, recent recentTerms) error {
	builder, err := ix.builder()
	if err != nil {
		return err
	}
	doc, err := builder.document(d, dl, p, recent)
	if err != nil {
		return fmt.Errorf("index %w", err)
	}
	return b.IndexAdvanced(doc)
}

// AppendPassages adds passages of documents in one batch without looking
// up what the index already holds for them: it is for a document too
// large for one batch, whose earlier passages went in earlier batches
// (after DeleteDocuments removed its old ones). Each *corpus.Document
// given may carry only a run of its document's passages.
func (ix *Index) AppendPassages(ctx context.Context, parts []*corpus.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return ix.indexNew(parts)
}

// DeleteDocuments removes every passage of the given documents.
func (ix *Index) DeleteDocuments(ctx context.Context, ids []string) (err error) {
	defer recoverDamage("delete documents from index", &err)
	b := ix.bi.NewBatch()
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		old, err := ix.passageIDs(id)
		if err != nil {
			return err
		}
		for _, pid := range old {
			b.Delete(pid)
		}
	}
	if b.Size() == 0 {
		return nil
	}
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("delete %d documents from index: %w", len(ids), err)
	}
	return nil
}

// passageIDs lists the index ids of a document's passages.
func (ix *Index) passageIDs(docID string) ([]string, error) {
	q := bleve.NewTermQuery(docID)
	q.SetField(FieldDoc)
	var out []string
	const page = 10000
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(q, page, from, false)
		res, err := ix.bi.Search(req)
		if err != nil {
			return nil, fmt.Errorf("list passages of %s: %w", docID, err)
		}
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		if len(res.Hits) < page {
			return out, nil
		}
	}
}

// DocCount is the number of passages in the index.
func (ix *Index) DocCount() (_ uint64, err error) {
	defer recoverDamage("count indexed passages", &err)
	return ix.bi.DocCount()
}

// DocumentIDs lists the distinct document ids present in the index.
func (ix *Index) DocumentIDs(ctx context.Context) (_ map[string]int, err error) {
	defer recoverDamage("list indexed documents", &err)
	out := map[string]int{}
	const page = 10000
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, from, false)
		req.Fields = []string{FieldDoc}
		req.SortBy([]string{"_id"})
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("list indexed documents: %w", err)
		}
		for _, h := range res.Hits {
			if id, ok := h.Fields[FieldDoc].(string); ok {
				out[id]++
			}
		}
		if len(res.Hits) < page {
			return out, nil
		}
	}
}

// Build creates a fresh index in dir from every document that each yields.
// dir must not exist. Documents are indexed in batches of about
// buildBatchPassages passages, several at once: bleve builds a batch's
// segment in the goroutine that submits it, so concurrent batches use
// every core. At most workers+1 batches are in memory at a time.
func Build(ctx context.Context, dir string, each func(yield func(*corpus.Document) error) error) error {
	return BuildWith(ctx, dir, each, BuildOptions{})
}

// BuildOptions adjust BuildWith.
type BuildOptions struct {
	// Skip, when set, makes the build not fail on one document: when a
	// batch fails, its documents are indexed one by one, and each that
	// fails on its own is given to Skip (from any goroutine) and left
	// out. Passages of a skipped document that went in with other
	// batches (a document larger than one batch) stay in the index; the
	// caller removes them. The build still fails when every document of
	// a batch of several fails, which is the index's fault, not theirs.
	Skip func(docID string, err error)
	// Passages, when known, is about how many passages each yields:
	// batches are then sized so that every worker gets the same share
	// of the last round of batches, rather than one worker building the
	// last batch while the others wait (a third of the build, on two
	// cores, for a corpus of three batches).
	Passages int
}

// batchSize is the passage count of Build's batches for a corpus of
// about total passages (0: unknown) built by workers at once: at most
// buildBatchPassages, and as many batches as a multiple of workers.
func batchSize(total, workers int) int {
	if total <= 0 || workers <= 1 {
		return buildBatchPassages
	}
	rounds := (total + buildBatchPassages*workers - 1) / (buildBatchPassages * workers)
	return max((total+rounds*workers-1)/(rounds*workers), minBuildBatchPassages)
}

// minBuildBatchPassages keeps batches of a small corpus from costing more
// in per-batch work (a segment file, its merge) than they save in waiting.
const minBuildBatchPassages = 250

// BuildWith is Build with options.
func BuildWith(ctx context.Context, dir string, each func(yield func(*corpus.Document) error) error, opts BuildOptions) (err error) {
	skip := opts.Skip
	defer batchgc.TuneBounded()()
	if err := create(dir); err != nil {
		return err
	}
	// Nobody reads the new index before it is complete: its batches
	// need not wait for their segment files, only all of them for
	// theirs before it is closed (WaitWritten).
	ix, err := Open(ctx, dir, OpenOptions{NoVerify: true, Bulk: true})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := ix.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close new index: %w", cerr)
		}
	}()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []*corpus.Document)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	size := batchSize(opts.Passages, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for docs := range batches {
				if err := ix.indexNew(docs); err != nil && skip != nil && ctx.Err() == nil {
					err = ix.indexEachNew(docs, err, skip)
					if err != nil {
						cancel(err)
					}
				} else if err != nil {
					cancel(err)
				}
			}
		}()
	}
	var batch []*corpus.Document
	passages := 0
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		batch, passages = nil, 0
		return nil
	}
	err = each(func(d *corpus.Document) error {
		// A document larger than a batch goes in several, as runs of
		// its passages: one batch's memory is bounded whatever the
		// size of one document.
		for _, part := range splitPassages(d, size) {
			batch = append(batch, part)
			passages += len(part.Passages)
			if len(batch) >= 256 || passages >= size {
				if err := send(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		err = send()
	}
	close(batches)
	wg.Wait()
	if cause := context.Cause(ctx); err == nil && cause != nil {
		err = cause
	}
	if err == nil {
		// The index is complete once its files are: the caller may
		// then make it live.
		err = ix.WaitWritten(ctx)
	}
	return err
}

// buildBatchPassages is the size of Build's batches: large enough that
// per-batch costs (a segment file, its sync) stay small, small enough
// that several batches keep both cores busy on a corpus of a few
// thousand passages.
const buildBatchPassages = 2000

// indexNew adds the passages of documents the index does not hold yet,
// in one batch: unlike IndexDocuments, nothing is looked up to replace.
func (ix *Index) indexNew(docs []*corpus.Document) error { return ix.indexBatch(docs, nil) }

// splitPassages returns d itself when it has at most max passages, and
// otherwise shallow copies of d that each carry a run of at most max of
// its passages, in order.
func splitPassages(d *corpus.Document, max int) []*corpus.Document {
	if len(d.Passages) <= max {
		return []*corpus.Document{d}
	}
	parts := make([]*corpus.Document, 0, (len(d.Passages)+max-1)/max)
	for from := 0; from < len(d.Passages); from += max {
		part := *d
		part.Passages = d.Passages[from:min(from+max, len(d.Passages))]
		parts = append(parts, &part)
	}
	return parts
}

// indexEachNew indexes docs, whose batch failed with batchErr, one batch
// each, and gives skip every one that fails on its own. When all of
// several fail, the index is at fault: batchErr is returned.
func (ix *Index) indexEachNew(docs []*corpus.Document, batchErr error, skip func(string, error)) error {
	type failure struct {
		id  string
		err error
	}
	var failed []failure
	for _, d := range docs {
		if err := ix.indexNew([]*corpus.Document{d}); err != nil {
			failed = append(failed, failure{d.ID, err})
		}
	}
	if len(docs) > 1 && len(failed) == len(docs) {
		return batchErr
	}
	for _, f := range failed {
		skip(f.id, f.err)
	}
	return nil
}
