package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/batchgc"
	"github.com/normtag/normtag/internal/safefile"
	"github.com/normtag/normtag/internal/textcut"
	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/tag"
)

// Status is the outcome of ingesting one file.
type Status string

// Outcomes of ingesting one file.
const (
	StatusAdded     Status = "added"     // a new document was stored
	StatusUnchanged Status = "unchanged" // the bytes were already stored
	StatusFailed    Status = "failed"    // recorded as a failure with a reason
)

// Result is what happened to one input file.
type Result struct {
	Path   string        `json:"path"`
	DocID  string        `json:"doc_id,omitempty"`
	Status Status        `json:"status"`
	Reason corpus.Reason `json:"reason,omitempty"`
	Error  string        `json:"error,omitempty"`
	Pages  int           `json:"pages,omitempty"`
	// OCRPages counts the pages read by OCR (scans without text).
	OCRPages int `json:"ocr_pages,omitempty"`
	Passages int `json:"passages,omitempty"`
}

// Summary totals a run.
type Summary struct {
	Added     int `json:"added"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Pages     int `json:"pages"`
	// OCRPages counts the added pages that were read by OCR.
	OCRPages int            `json:"ocr_pages"`
	Passages int            `json:"passages"`
	Norms    map[string]int `json:"norms"` // passages per norm among added documents
	// Pruned counts documents removed because their files are gone.
	Pruned int `json:"pruned"`
	// NearDuplicates counts added documents flagged as near-duplicates.
	NearDuplicates int    `json:"near_duplicates"`
	RulesVersion   string `json:"rules_version"`
	// Failures lists every failed file with its reason.
	Failures []corpus.Failure `json:"failures"`
	// MetadataWarnings lists the problems found in metadata.csv files
	// (unknown files and columns, bad dates, duplicate rows), each once.
	MetadataWarnings []SidecarWarning `json:"metadata_warnings"`
	// Watches says, per saved search, how many passages new to the
	// corpus match it (package watch); absent when there are none.
	Watches  []watch.Report `json:"watches,omitempty"`
	Duration time.Duration  `json:"duration_ns"`
}

// IngestOptions configures Ingest.
type IngestOptions struct {
	// Workers bounds concurrent extraction; 0 means runtime.NumCPU().
	Workers int
	// Extractor parses files. Required: the CLI passes an isolate.Pool;
	// pipeline.UnsafeInProcess is for trusted input only.
	Extractor Extractor
	// Tagger tags the passages of the documents extracted here.
	Tagger *tag.Tagger
	// LoadTagger, when Tagger is nil, gives the tagger; building one
	// takes a while (tens of milliseconds for the built-in rules).
	// Ingest finds the files and starts extracting them first, and waits
	// for it before it tags the first document and before it writes
	// anything: an error ends the run with nothing written.
	LoadTagger func() (*tag.Tagger, error)
	Logger     *slog.Logger
	// OnResult, if set, is called once per input file, from one goroutine.
	OnResult func(Result)
	// OnStart, if set, is called once discovery knows how many files there are.
	OnStart func(files int)
	// OnExtracted, if set, is called once no file is left to extract or
	// analyse, from a goroutine of its own, while the run still stores
	// and indexes: the caller may stop its extraction processes then
	// rather than at the end of the run.
	OnExtracted func()
	// RetryFailed re-extracts files that failed before even when they have
	// not changed since (useful after upgrading normtag).
	RetryFailed bool
	// Prune removes stored documents whose files under the given folders
	// are gone.
	Prune bool
	// MaxFileSize bounds the bytes read of one file (0:
	// extract.DefaultMaxFileSize); larger files fail as too-large.
	MaxFileSize int64
	// MaxPassages bounds the passages of one document (0:
	// DefaultMaxPassages); a document with more fails as too-large.
	MaxPassages int
	// Analyser, if set, extracts and analyses the files that need it
	// instead of Extractor and Tagger in this process (pipeline/remote
	// sends them to workers); Workers then bounds the files in flight.
	// Everything else — discovery, the "already stored?" checks, the
	// writes — is the same.
	Analyser Analyser
	// RulesVersion, with an Analyser, is the version of the rules it
	// tags with (the summary's RulesVersion); Tagger and LoadTagger are
	// then not needed and not used.
	RulesVersion string
}

// Analyser turns one file that is not stored yet into a document ready
// for the writer: extracted, segmented, tagged, with its near-duplicate
// signature (see AnalyseExtracted). sum is the SHA-256 of the file's
// bytes. Errors are *corpus.Error for failures that belong to the file;
// ctx's error leaves the file for the next run.
type Analyser interface {
	Analyse(ctx context.Context, c Candidate, sum string) (*corpus.Document, error)
}

// ErrAnalyserUnavailable is wrapped by an Analyser's errors that are not
// a file's fault (its workers cannot be reached): the file is left for the
// next run, as when the run is cancelled, and the run ends with the error.
var ErrAnalyserUnavailable = errors.New("analyser unavailable")

// localAnalyser extracts with the run's Extractor and tags in process.
type localAnalyser struct {
	ex Extractor
	// extracting holds a place per extraction under way: there are
	// Workers places, and more files in flight than that (see
	// Ingest), so that a file is extracted while another is tagged.
	extracting chan struct{}
	// tagger waits for the run's tagger (see IngestOptions.LoadTagger).
	tagger      func() (*tag.Tagger, error)
	maxPassages int
}

func (a localAnalyser) Analyse(ctx context.Context, c Candidate, _ string) (*corpus.Document, error) {
	select {
	case a.extracting <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	doc, err := a.ex.Extract(ctx, c.Path)
	<-a.extracting
	if err != nil {
		return nil, err
	}
	tagger, err := a.tagger()
	if err != nil {
		return nil, err // Ingest ends the run with it, storing nothing
	}
	if err := AnalyseExtracted(doc, tagger, c.Path, a.maxPassages); err != nil {
		return nil, err
	}
	return doc, nil
}

// NearDuplicateThreshold is the estimated share of text two documents
// must have in common for the later one to be flagged a near-duplicate.
const NearDuplicateThreshold = 0.9

// work is what a worker hands the single writer.
type work struct {
	cand  Candidate
	docID string
	doc   *corpus.Document // nil when the bytes are already stored
	err   error
	known bool // bytes already stored; only the path needs recording
	same  bool // path already recorded with this size and mtime: nothing to write
	// failedBefore is set when the file failed in an earlier run and has
	// not changed since; the failure stands without re-reading the file.
	failedBefore *corpus.Failure
}

// Ingest stores and indexes the files under paths. Every file ends up
// added, unchanged or failed with a reason; a failure never stops the run.
// When ctx is cancelled, documents already extracted are still committed
// and indexed, the rest are left for the next run, and ctx's error is
// returned with the partial summary.
func Ingest(ctx context.Context, d *datadir.Dir, paths []string, opts IngestOptions) (*Summary, error) {
	defer batchgc.Tune()()
	start := time.Now()
	if opts.Analyser != nil && opts.RulesVersion != "" {
		opts.Tagger, opts.LoadTagger = nil, nil
	} else if opts.Tagger == nil && opts.LoadTagger == nil {
		return nil, errors.New("ingest: no tagger")
	}
	if opts.Analyser == nil && opts.Extractor == nil {
		// Parsing untrusted files in process must be a visible choice.
		return nil, errors.New("ingest: no extractor: pass an isolating one (isolate.Pool) or, for trusted input only, pipeline.UnsafeInProcess")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	taggerReady := sync.OnceValues(func() (*tag.Tagger, error) {
		if opts.Tagger != nil {
			return opts.Tagger, nil
		}
		return opts.LoadTagger()
	})
	// Files in flight: with local extraction, twice the places to
	// extract, so that while one file's text is tagged (in this process)
	// the next one is hashed and extracted (in a child) rather than
	// the child waiting idle for it.
	inFlight := opts.Workers
	if opts.Analyser == nil {
		opts.Analyser = localAnalyser{ex: opts.Extractor, extracting: make(chan struct{}, opts.Workers), tagger: taggerReady, maxPassages: opts.MaxPassages}
		inFlight = 2 * opts.Workers
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ixw, err := d.NewIndexWriter()
	if err != nil {
		return nil, err
	}

	// Finding the files and extracting them write nothing: they start
	// before the tagger is ready and the run is begun, so that building
	// the tagger overlaps the first extractions.
	cands, failures := Discover(ctx, paths)
	sortCandidates(cands)
	copies := newCopyOrder(cands)
	if opts.OnStart != nil {
		opts.OnStart(len(cands) + len(failures))
	}
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	jobs := make(chan Candidate)
	// Room for a few documents per worker: while the writer commits a
	// batch (and pauses for readers between two), workers go on
	// extracting instead of waiting for it, and the next store
	// transaction takes what piled up meanwhile.
	out := make(chan work, 4*opts.Workers)
	var wg sync.WaitGroup
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				out <- process(runCtx, d, c, opts, copies.hashed)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, c := range cands {
			select {
			case jobs <- c:
			case <-runCtx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(out)
		if opts.OnExtracted != nil {
			opts.OnExtracted()
		}
	}()
	// abort ends a run that failed before its first write: extractions
	// in flight are cancelled and waited for.
	abort := func(err error) (*Summary, error) {
		cancelRun()
		for range out {
		}
		return nil, err
	}

	version := opts.RulesVersion
	if opts.Tagger != nil || opts.LoadTagger != nil {
		tagger, err := taggerReady()
		if err != nil {
			return abort(err)
		}
		version = tagger.Version()
	}
	sum := &Summary{Norms: map[string]int{}, RulesVersion: version, Failures: []corpus.Failure{}, MetadataWarnings: []SidecarWarning{}}
	w := &writer{data: d, sum: sum, log: log, onResult: opts.OnResult, sidecars: newSidecars(func(sw SidecarWarning) {
		log.Warn("metadata.csv: " + sw.String())
		sum.MetadataWarnings = append(sum.MetadataWarnings, sw)
	}), added: map[string]bool{}}
	// Writes must not be torn by cancellation: a document whose extraction
	// finished is committed whole.
	wctx := context.WithoutCancel(ctx)
	// Documents are stamped with the start of their run, the one a killed
	// run began if this run resumes it, so that near-duplicates compare
	// in the same order however the run was interrupted.
	if w.runStart, err = d.Store.BeginIngestRun(ctx, time.Now()); err != nil {
		return abort(err)
	}
	if w.watches, err = watch.NewTracker(ctx, d); err != nil {
		return abort(err)
	}
	w.index = startIndexFeed(wctx, ixw)
	for _, f := range failures {
		w.fail(wctx, Candidate{Path: f.Path}, "", &corpus.Error{Reason: f.Reason, Err: errors.New(f.Detail)})
	}

	var werr error
	for item := range out {
		// Store every document that is ready in one transaction: with
		// small files the commit, not the extraction, sets the pace.
		batch := append(make([]work, 0, storeBatch), item)
	gather:
		for len(batch) < storeBatch {
			select {
			case it, ok := <-out:
				if !ok {
					break gather
				}
				batch = append(batch, it)
			default:
				break gather
			}
		}
		for batch = copies.admit(batch); len(batch) > 0; batch = copies.done(batch) {
			if err := w.handleBatch(wctx, batch); err != nil && werr == nil {
				werr = err
			}
		}
	}
	for _, it := range copies.rest() {
		if err := w.handleBatch(wctx, []work{it}); err != nil && werr == nil {
			werr = err
		}
	}
	if werr == nil && opts.Prune && ctx.Err() == nil {
		werr = w.prune(wctx, paths, cands)
	}
	// Near-duplicate flags depend on the whole corpus, so they are set
	// once the documents are stored, and always: this also finishes the
	// flags of a run that was killed before it got here.
	if err := w.markNearDuplicates(wctx); err != nil && werr == nil {
		werr = err
	}
	if err := w.index.Close(wctx); err != nil && werr == nil {
		werr = err
	}
	// Metadata edits from sidecars marked unchanged documents for
	// reindexing; bring the index up to date with them.
	if err := d.Heal(wctx); err != nil && werr == nil {
		werr = err
	}
	// Saved searches are checked once, over everything this run (or an
	// interrupted one before it) stored and indexed.
	if w.watches.Active() {
		reports, err := watch.Percolate(wctx, d, time.Now())
		if err != nil && werr == nil {
			werr = err
		}
		sum.Watches = reports
	}
	if werr == nil && ctx.Err() == nil {
		werr = d.Store.EndIngestRun(wctx)
	}
	sum.Duration = time.Since(start)
	if werr != nil {
		return sum, werr
	}
	return sum, ctx.Err()
}

// process does the per-file work that can run in parallel: the cheap
// "already stored?" checks, then extraction and analysis. It reports the
// file's hash to hashed before it extracts ("" when it does not hash the
// file).
func process(ctx context.Context, d *datadir.Dir, c Candidate, opts IngestOptions, hashed func(path, sum string)) work {
	reported := false
	defer func() {
		if !reported {
			hashed(c.Path, "")
		}
	}()
	if err := ctx.Err(); err != nil {
		return work{cand: c, err: err}
	}
	if pi, ok, err := d.Store.LookupPath(ctx, c.Path); err == nil && ok &&
		pi.Size == c.Info.Size() && pi.MTime.Equal(c.Info.ModTime()) {
		return work{cand: c, docID: pi.DocID, known: true, same: true}
	}
	if !opts.RetryFailed {
		if f, ok, err := d.Store.LookupFailure(ctx, c.Path); err == nil && ok &&
			f.Size == c.Info.Size() && f.ModTime.Equal(c.Info.ModTime()) {
			return work{cand: c, docID: f.DocID, failedBefore: &f}
		}
	}
	sum, err := HashFile(ctx, c.Path, opts.MaxFileSize)
	if err != nil {
		return work{cand: c, err: err}
	}
	hashed(c.Path, sum)
	reported = true
	if ok, err := d.Store.HasDocument(ctx, sum); err == nil && ok {
		return work{cand: c, docID: sum, known: true}
	}
	doc, err := opts.Analyser.Analyse(ctx, c, sum)
	if err != nil {
		return work{cand: c, docID: sum, err: err}
	}
	return work{cand: c, docID: doc.ID, doc: doc}
}

// HashFile returns the hex SHA-256 of the file at path, a document's id,
// reading at most max bytes (extract.DefaultMaxFileSize when max <= 0).
// The file may have been swapped for a named pipe or a link to a device
// since discovery: safefile refuses those without reading them, caps the
// size and stops reading when ctx is cancelled. Errors are *corpus.Error.
func HashFile(ctx context.Context, path string, max int64) (string, error) {
	if max <= 0 {
		max = extract.DefaultMaxFileSize
	}
	f, _, err := safefile.Open(path, max)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := safefile.Copy(ctx, h, f, max); err != nil {
		return "", err // ctx's error leaves the file for the next run
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writer is the single goroutine that writes to the store and the index.
// One writer keeps SQLite free of lock contention and lets index writes
// be batched.
type writer struct {
	data *datadir.Dir
	// index receives stored documents, and documents replaced by a
	// changed file, for its own goroutine to send to the index in
	// batches.
	index    *indexFeed
	sum      *Summary
	log      *slog.Logger
	onResult func(Result)
	sidecars *sidecars
	// added holds the documents this run stored.
	added map[string]bool
	// runStart stamps the documents of this run (see BeginIngestRun).
	runStart time.Time
	// watches records which passages are new to the corpus, for the
	// saved searches checked at the end of the run.
	watches *watch.Tracker
}

// storeBatch is the most documents stored in one transaction.
const storeBatch = 32

// handleBatch records a batch of results: failures and unchanged files
// one by one, new documents together in one transaction.
func (w *writer) handleBatch(ctx context.Context, batch []work) error {
	var firstErr error
	var docs []*corpus.Document
	for _, it := range batch {
		if it.doc == nil || it.err != nil || it.same || it.known || it.failedBefore != nil {
			if err := w.handle(ctx, it); err != nil && firstErr == nil {
				firstErr = err
			}
			continue
		}
		docs = append(docs, w.prepare(it))
	}
	if len(docs) == 0 {
		return firstErr
	}
	if err := w.watches.BeforeStore(ctx, docs); err != nil {
		return errors.Join(firstErr, err)
	}
	results, err := w.data.Store.PutDocuments(ctx, docs)
	if err != nil && len(docs) > 1 {
		// Store them one by one, so that an error names its document
		// and does not cost the others.
		results = make([]corpus.PutResult, len(docs))
		for i, doc := range docs {
			r, perr := w.data.Store.PutDocument(ctx, doc)
			if perr != nil {
				if firstErr == nil {
					firstErr = perr
				}
				docs[i] = nil
				continue
			}
			results[i] = r
		}
		err = nil
	}
	if err != nil {
		return errors.Join(firstErr, err)
	}
	for i, doc := range docs {
		if doc == nil {
			continue
		}
		if err := w.stored(ctx, doc, results[i]); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func (w *writer) handle(ctx context.Context, it work) error {
	switch {
	case it.failedBefore != nil:
		f := *it.failedBefore
		w.sum.Failed++
		w.sum.Failures = append(w.sum.Failures, f)
		w.report(Result{Path: f.Path, DocID: f.DocID, Status: StatusFailed, Reason: f.Reason, Error: f.Detail + " (unchanged since an earlier run; --retry-failed to try again)"})
		return nil
	case it.err != nil:
		if errors.Is(it.err, context.Canceled) || errors.Is(it.err, context.DeadlineExceeded) {
			return nil // not a property of the file: it is simply left for the next run
		}
		if errors.Is(it.err, ErrAnalyserUnavailable) {
			return it.err // not the file's fault either, but the run cannot go on as if all were well
		}
		w.fail(ctx, it.cand, it.docID, it.err)
		return nil
	case it.same:
		w.applySidecar(ctx, it.cand.Path, it.docID)
		w.sum.Unchanged++
		w.report(Result{Path: it.cand.Path, DocID: it.docID, Status: StatusUnchanged})
		return nil
	case it.known:
		removed, err := w.data.Store.TouchPath(ctx, corpus.PathInfo{Path: it.cand.Path, DocID: it.docID, Size: it.cand.Info.Size(), MTime: it.cand.Info.ModTime()})
		if err != nil {
			return err
		}
		w.index.Delete(removed...)
		w.applySidecar(ctx, it.cand.Path, it.docID)
		w.sum.Unchanged++
		w.report(Result{Path: it.cand.Path, DocID: it.docID, Status: StatusUnchanged})
		return nil
	}
	doc := w.prepare(it)
	if err := w.watches.BeforeStore(ctx, []*corpus.Document{doc}); err != nil {
		return err
	}
	res, err := w.data.Store.PutDocument(ctx, doc)
	if err != nil {
		return err
	}
	return w.stored(ctx, doc, res)
}

// prepare completes a newly extracted document before it is stored:
// file facts and sidecar metadata (its near-duplicate signature was
// computed by the worker).
func (w *writer) prepare(it work) *corpus.Document {
	doc := it.doc
	doc.Path = it.cand.Path
	doc.Size = it.cand.Info.Size()
	doc.ModTime = it.cand.Info.ModTime()
	doc.IngestedAt = w.runStart
	mergeMeta(doc, w.sidecars.For(doc.Path))
	boundFields(doc.Meta)
	doc.Title, doc.FileName = textcut.Runes(doc.Title, corpus.MaxFieldRunes), textcut.Runes(doc.FileName, corpus.MaxFieldRunes)
	return doc
}

// stored accounts for a document once its transaction has committed and
// queues it for the index.
func (w *writer) stored(ctx context.Context, doc *corpus.Document, res corpus.PutResult) error {
	w.index.Delete(res.Removed...)
	if !res.Added { // same bytes stored meanwhile under another path
		w.sum.Unchanged++
		w.report(Result{Path: doc.Path, DocID: doc.ID, Status: StatusUnchanged})
		return nil
	}
	w.added[doc.ID] = true
	w.sum.Added++
	w.sum.Pages += len(doc.Pages)
	ocrPages := len(doc.OCRPages())
	w.sum.OCRPages += ocrPages
	w.sum.Passages += len(doc.Passages)
	for _, p := range doc.Passages {
		for _, t := range p.Tags {
			w.sum.Norms[t.Norm]++
		}
	}
	w.log.Debug("stored", "path", doc.Path, "doc", doc.ID[:12], "passages", len(doc.Passages))
	w.report(Result{Path: doc.Path, DocID: doc.ID, Status: StatusAdded, Pages: len(doc.Pages), OCRPages: ocrPages, Passages: len(doc.Passages)})
	// The index needs only passages and document fields; page texts can go.
	doc.Pages = nil
	w.index.Add(doc)
	return nil
}

func (w *writer) applySidecar(ctx context.Context, path, docID string) {
	meta := w.sidecars.For(path)
	if len(meta) == 0 {
		return
	}
	// Identical files share one document, described by its first path
	// (the one that names it): the rows of the other copies would
	// overwrite each other in whatever order the copies were met.
	if doc, err := w.data.Store.Document(ctx, docID, 0); err == nil && doc.Path != path {
		w.log.Info("metadata.csv row left aside: the document has an earlier path", "path", path, "named by", doc.Path)
		return
	}
	sidecarSources(meta)
	boundFields(meta)
	if err := w.data.Store.SetMeta(ctx, docID, meta); err != nil {
		w.log.Warn("update metadata", "path", path, "err", err)
	}
}

// mergeMeta overrides extracted metadata with the sidecar's, which is
// recorded as the source of the fields it sets.
func mergeMeta(doc *corpus.Document, meta map[string]string) {
	if len(meta) == 0 {
		return
	}
	if doc.Meta == nil {
		doc.Meta = map[string]string{}
	}
	sidecarSources(meta)
	for k, v := range meta {
		if k == "title" {
			doc.Title = v
			continue
		}
		doc.Meta[k] = v
	}
}

// markNearDuplicates recomputes the corpus's near-duplicate flags (see
// MarkNearDuplicates) and counts the documents of this run now flagged.
func (w *writer) markNearDuplicates(ctx context.Context) error {
	flags, err := MarkNearDuplicates(ctx, w.data.Store)
	if err != nil {
		return err
	}
	for id, of := range flags {
		if w.added[id] {
			w.sum.NearDuplicates++
			w.log.Info("near-duplicate", "doc", id, "of", of)
		}
	}
	return nil
}

// boundFields cuts metadata values (authors, submitters, countries...)
// to corpus.MaxFieldRunes.
func boundFields(meta map[string]string) {
	for k, v := range meta {
		meta[k] = textcut.Runes(v, corpus.MaxFieldRunes)
	}
}

// passageText is the document's body text, for near-duplicate detection.
func passageText(doc *corpus.Document) string {
	var b strings.Builder
	for _, p := range doc.Passages {
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// prune forgets stored paths under the given folders that this run did not
// find, deleting documents no path holds any more.
func (w *writer) prune(ctx context.Context, roots []string, found []Candidate) error {
	seen := make(map[string]bool, len(found))
	for _, c := range found {
		seen[c.Path] = true
	}
	var prefixes []string
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		if info, err := os.Stat(abs); err == nil && !info.IsDir() {
			continue // a single file: nothing to prune under it
		}
		prefixes = append(prefixes, strings.TrimSuffix(abs, string(filepath.Separator))+string(filepath.Separator))
	}
	if len(prefixes) == 0 {
		return nil
	}
	paths, err := w.data.Store.Paths(ctx)
	if err != nil {
		return err
	}
	failures, err := w.data.Store.Failures(ctx)
	if err != nil {
		return err
	}
	var candidates []string
	for _, p := range paths {
		candidates = append(candidates, p.Path)
	}
	for _, f := range failures {
		candidates = append(candidates, f.Path)
	}
	for _, p := range candidates {
		if seen[p] || !underAny(p, prefixes) {
			continue
		}
		if _, err := os.Lstat(p); err == nil {
			continue // still there (e.g. hidden from discovery): keep it
		}
		removed, err := w.data.Store.RemovePath(ctx, p)
		if err != nil {
			return err
		}
		if removed != "" {
			w.index.Delete(removed)
			w.sum.Pruned++
			w.log.Info("pruned", "path", p, "doc", removed)
		}
	}
	return nil
}

func underAny(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func (w *writer) fail(ctx context.Context, c Candidate, docID string, err error) {
	f := corpus.Failure{Path: c.Path, DocID: docID, Reason: corpus.ReasonOf(err), Detail: FailureDetail(err), At: time.Now().UTC()}
	if c.Info != nil {
		f.Size, f.ModTime = c.Info.Size(), c.Info.ModTime()
	}
	if rerr := w.data.Store.RecordFailure(ctx, f); rerr != nil {
		w.log.Error("record failure", "path", c.Path, "err", rerr)
	}
	w.sum.Failed++
	w.sum.Failures = append(w.sum.Failures, f)
	// Debug: callers report each failure from OnResult, once.
	w.log.Debug("skipped", "path", c.Path, "reason", f.Reason, "detail", f.Detail)
	w.report(Result{Path: c.Path, DocID: docID, Status: StatusFailed, Reason: f.Reason, Error: f.Detail})
}

func (w *writer) report(r Result) {
	if w.onResult != nil {
		w.onResult(r)
	}
}

// FailureDetail is a failure's cause without the reason prefix that
// corpus.Error adds, since the reason is reported separately.
func FailureDetail(err error) string {
	var ce *corpus.Error
	if errors.As(err, &ce) && ce.Err != nil {
		return ce.Err.Error()
	}
	return err.Error()
}
