package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
)

const docColumns = `id, file_name, title, format, size, mod_time, meta, page_count, rules_version, ingested_at, near_dup_of,
	(SELECT path FROM paths WHERE doc_id = documents.id ORDER BY path LIMIT 1)`

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

func scanDocument(sc rowScanner) (*corpus.Document, error) {
	var d corpus.Document
	var format, meta string
	var mod, ing int64
	var path sql.NullString
	if err := sc.Scan(&d.ID, &d.FileName, &d.Title, &format, &d.Size, &mod, &meta, &d.PageCount, &d.RulesVersion, &ing, &d.NearDuplicateOf, &path); err != nil {
		return nil, err
	}
	d.Format = corpus.Format(format)
	d.ModTime = time.Unix(0, mod)
	d.IngestedAt = time.Unix(0, ing)
	d.Path = path.String
	if err := json.Unmarshal([]byte(meta), &d.Meta); err != nil {
		return nil, fmt.Errorf("document %s meta: %w", d.ID, err)
	}
	return &d, nil
}

// Document loads one document with the requested parts. It returns an
// error wrapping corpus.ErrNotFound when id is not stored.
func (s *Store) Document(ctx context.Context, id string, parts corpus.Parts) (*corpus.Document, error) {
	st, err := s.prepared(ctx, `SELECT `+docColumns+` FROM documents WHERE id = ?`)
	if err != nil {
		return nil, fmt.Errorf("load document %s: %w", id, err)
	}
	d, err := scanDocument(st.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %s: %w", id, corpus.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load document %s: %w", id, err)
	}
	if err := s.loadParts(ctx, d, parts); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) loadParts(ctx context.Context, d *corpus.Document, parts corpus.Parts) error {
	if parts&corpus.WithPages != 0 {
		pages, err := s.pages(ctx, d.ID)
		if err != nil {
			return err
		}
		d.Pages = pages
	}
	if parts&corpus.WithPassages != 0 {
		ps, err := s.Passages(ctx, d.ID)
		if err != nil {
			return err
		}
		d.Passages = ps
	}
	return nil
}

func (s *Store) pages(ctx context.Context, id string) ([]corpus.Page, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT number, text, headings, notes FROM pages WHERE doc_id = ? ORDER BY number`, id)
	if err != nil {
		return nil, fmt.Errorf("load pages of %s: %w", id, err)
	}
	defer rows.Close()
	var out []corpus.Page
	for rows.Next() {
		var p corpus.Page
		var h, n string
		if err := rows.Scan(&p.Number, &p.Text, &h, &n); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(h), &p.Headings); err != nil {
			return nil, fmt.Errorf("page %d headings: %w", p.Number, err)
		}
		if err := json.Unmarshal([]byte(n), &p.Notes); err != nil {
			return nil, fmt.Errorf("page %d notes: %w", p.Number, err)
		}
		if len(p.Notes) == 0 {
			p.Notes = nil
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Passages loads a document's passages with their tags, in order.
func (s *Store) Passages(ctx context.Context, id string) ([]corpus.Passage, error) {
	st, err := s.prepared(ctx, `SELECT seq, page, start, "end", level, text, kind, heading_path, page_end, pieces
		FROM passages WHERE doc_id = ? ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("load passages of %s: %w", id, err)
	}
	rows, err := st.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load passages of %s: %w", id, err)
	}
	out, err := scanPassages(rows, id)
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("load passages of %s: %w", id, err)
	}
	if st, err = s.prepared(ctx, tagsQuery); err != nil {
		return nil, fmt.Errorf("load tags of %s: %w", id, err)
	}
	tr, err := st.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load tags of %s: %w", id, err)
	}
	defer tr.Close()
	// The tags come by passage: they are gathered in one slice, of which
	// each passage gets its part, instead of each passage's list growing
	// on its own.
	var all []corpus.Tag
	var seqs []int
	err = scanTags(tr, id, func(seq int, t corpus.Tag) {
		if seq >= 0 && seq < len(out) && out[seq].Seq == seq {
			all, seqs = append(all, t), append(seqs, seq)
		}
	})
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && seqs[j] == seqs[i] {
			j++
		}
		// Capped, so that appending to one passage's tags never
		// overwrites the next one's.
		if p := &out[seqs[i]]; len(p.Tags) == 0 {
			p.Tags = all[i:j:j]
		} else {
			p.Tags = append(p.Tags, all[i:j]...)
		}
		i = j
	}
	return out, nil
}

// scanPassages reads the rows of Passages' query. Integers are scanned
// into an any: into an int, database/sql would format each as text and
// parse it back.
func scanPassages(rows *sql.Rows, id string) ([]corpus.Passage, error) {
	var out []corpus.Passage
	var seq, page, start, end, level, pageEnd any
	var kind, path, pieces string
	var paths headingPaths
	for rows.Next() {
		var p corpus.Passage
		if err := rows.Scan(&seq, &page, &start, &end, &level, &p.Text, &kind, &path, &pageEnd, &pieces); err != nil {
			return nil, err
		}
		var err error
		for _, c := range [...]struct {
			dst *int
			v   any
		}{{&p.Seq, seq}, {&p.Page, page}, {&p.Start, start}, {&p.End, end}, {&p.Level, level}, {&p.PageEnd, pageEnd}} {
			if *c.dst, err = intOf(c.v); err != nil {
				return nil, fmt.Errorf("passage of %s: %w", id, err)
			}
		}
		p.Kind = corpus.Kind(kind)
		p.Heading = p.Kind == corpus.KindHeading
		if p.HeadingPath, err = paths.decode(path); err != nil {
			return nil, fmt.Errorf("heading path of %s/%d: %w", id, p.Seq, err)
		}
		if p.Pieces, err = decodePieces(pieces); err != nil {
			return nil, fmt.Errorf("pieces of %s/%d: %w", id, p.Seq, err)
		}
		p.Tags = []corpus.Tag{}
		out = append(out, p)
	}
	return out, nil
}

// intOf is the value of an INTEGER column scanned into an any. Anything
// else is converted as database/sql converts it into an int: through its
// text.
func intOf(v any) (int, error) {
	if n, ok := v.(int64); ok {
		return int(n), nil
	}
	var s string
	switch x := v.(type) {
	case []byte:
		s = string(x)
	case string:
		s = x
	default:
		s = fmt.Sprint(x)
	}
	n, err := strconv.ParseInt(s, 10, 0)
	if err != nil {
		return 0, fmt.Errorf("not an integer: %q", s)
	}
	return int(n), nil
}

// DocumentIDs lists every stored document id, sorted.
func (s *Store) DocumentIDs(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT id FROM documents ORDER BY id`)
}

// Documents lists every stored document without pages or passages, sorted
// by title.
func (s *Store) Documents(ctx context.Context) ([]*corpus.Document, error) {
	return queryAll(ctx, s.db, "list documents", scanDocument, `SELECT `+docColumns+` FROM documents ORDER BY title, id`)
}

// queryAll runs a query and scans each of its rows with scan; what names
// the query in its error.
func queryAll[T any](ctx context.Context, q querier, what string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// EachDocument calls fn for every stored document, in id order, loaded
// with the given parts. Only one document is in memory at a time.
func (s *Store) EachDocument(ctx context.Context, parts corpus.Parts, fn func(*corpus.Document) error) error {
	ids, err := s.DocumentIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := s.Document(ctx, id, parts)
		if errors.Is(err, corpus.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) ids(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list ids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Unindexed lists documents stored but not yet confirmed in the index.
func (s *Store) Unindexed(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT id FROM documents WHERE indexed = 0 ORDER BY id`)
}

// PendingIndexDeletes lists deleted documents the index may still hold.
func (s *Store) PendingIndexDeletes(ctx context.Context) ([]string, error) {
	return s.ids(ctx, `SELECT doc_id FROM index_deletes ORDER BY doc_id`)
}

// LookupFailure returns the failure recorded for path, if any.
func (s *Store) LookupFailure(ctx context.Context, path string) (corpus.Failure, bool, error) {
	fs, err := s.failures(ctx, `WHERE path = ?`, path)
	if err != nil || len(fs) == 0 {
		return corpus.Failure{}, false, err
	}
	return fs[0], true, nil
}

// Failures lists the recorded failures, sorted by path.
func (s *Store) Failures(ctx context.Context) ([]corpus.Failure, error) {
	return s.failures(ctx, ``)
}

func (s *Store) failures(ctx context.Context, where string, args ...any) ([]corpus.Failure, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT path, doc_id, reason, detail, at, size, mtime_ns FROM failures `+where+` ORDER BY path`, args...)
	if err != nil {
		return nil, fmt.Errorf("list failures: %w", err)
	}
	defer rows.Close()
	var out []corpus.Failure
	for rows.Next() {
		var f corpus.Failure
		var reason string
		var at, mt int64
		if err := rows.Scan(&f.Path, &f.DocID, &reason, &f.Detail, &at, &f.Size, &mt); err != nil {
			return nil, err
		}
		f.Reason = corpus.Reason(reason)
		f.At = time.Unix(0, at)
		if mt != 0 {
			f.ModTime = time.Unix(0, mt)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Signatures returns the MinHash signature of every document that has one.
func (s *Store) Signatures(ctx context.Context) (map[string][]uint64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, signature FROM documents WHERE signature IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("load signatures: %w", err)
	}
	defer rows.Close()
	out := map[string][]uint64{}
	for rows.Next() {
		var id string
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		out[id] = decodeSignature(b)
	}
	return out, rows.Err()
}

// PassageCounts returns the number of passages of every document.
func (s *Store) PassageCounts(ctx context.Context) (map[string]int, error) {
	return s.countsByKey(ctx, "count passages", `SELECT d.id, (SELECT count(*) FROM passages p WHERE p.doc_id = d.id) FROM documents d`)
}

// countsByKey runs a query whose rows are a key and a count, and returns
// them as a map; what names the query in errors.
func (s *Store) countsByKey(ctx context.Context, what, query string, args ...any) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out[key] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// Stats counts documents, pages, passages, tags per norm and failures per
// reason. Every norm appears in Norms and DirectNorms, zero or not. It is
// the one source of `normtag stats` and /api/stats, so both give the same.
//
// Norms and DirectNorms count passages of the given kinds, body text and
// headings when none are given (corpus.CountedKinds): a paper's endnotes
// and contents lines would count its norms again.
func (s *Store) Stats(ctx context.Context, kinds ...corpus.Kind) (corpus.Stats, error) {
	kinds = countedKinds(kinds)
	st := corpus.Stats{Failed: map[corpus.Reason]int{}, Norms: map[string]int{}, DirectNorms: map[string]int{}, RulesVersions: map[string]int{},
		Kinds: map[corpus.Kind]int{}, CountedKinds: kinds}
	join, where, args := kindFilter(kinds, "t")
	for q, dst := range map[string]*int{
		`SELECT count(*) FROM documents`:                         &st.Documents,
		`SELECT count(*) FROM pages`:                             &st.Pages,
		`SELECT count(*) FROM passages`:                          &st.Passages,
		`SELECT count(*) FROM documents WHERE near_dup_of != ''`: &st.NearDuplicates,
	} {
		if err := s.db.QueryRowContext(ctx, q).Scan(dst); err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
	}
	if err := s.ocrStats(ctx, &st); err != nil {
		return st, err
	}
	groups := []struct {
		q    string
		args []any
		add  func(k string, n int)
	}{
		{`SELECT reason, count(*) FROM failures GROUP BY reason`, nil, func(k string, n int) { st.Failed[corpus.Reason(k)] = n }},
		{`SELECT t.norm, count(*) FROM tags t` + join + ` WHERE 1` + where + ` GROUP BY t.norm`, args, func(k string, n int) { st.Norms[k] = n }},
		{`SELECT t.norm, count(*) FROM tags t` + join + ` WHERE t.inherited = 0` + where + ` GROUP BY t.norm`, args, func(k string, n int) { st.DirectNorms[k] = n }},
		{`SELECT rules_version, count(*) FROM documents GROUP BY rules_version`, nil, func(k string, n int) { st.RulesVersions[k] = n }},
		{`SELECT kind, count(*) FROM passages GROUP BY kind`, nil, func(k string, n int) { st.Kinds[corpus.Kind(k)] = n }},
	}
	for _, g := range groups {
		rows, err := s.db.QueryContext(ctx, g.q, g.args...)
		if err != nil {
			return st, fmt.Errorf("stats: %w", err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return st, err
			}
			g.add(k, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return st, err
		}
	}
	for _, n := range norms.All {
		st.Norms[n.Letter] += 0
		st.DirectNorms[n.Letter] += 0
	}
	return st, nil
}

// Coverage counts, for every document, the passages carrying each norm
// (direct or inherited): document id → norm letter → passages. It counts
// passages of the given kinds, body text and headings when none are given.
func (s *Store) Coverage(ctx context.Context, kinds ...corpus.Kind) (map[string]map[string]int, error) {
	join, where, args := kindFilter(countedKinds(kinds), "t")
	return s.countPairs(ctx, "coverage", `SELECT t.doc_id, t.norm, count(*) FROM tags t`+join+` WHERE 1`+where+` GROUP BY t.doc_id, t.norm`, args...)
}

// CountedPassages counts, for every document with any, its passages of
// the given kinds (body text and headings when none are given): the
// denominators of Coverage's shares.
func (s *Store) CountedPassages(ctx context.Context, kinds ...corpus.Kind) (map[string]int, error) {
	var where string
	var args []any
	for _, k := range countedKinds(kinds) {
		where, args = where+",?", append(args, string(k))
	}
	return s.countsByKey(ctx, "count passages", `SELECT doc_id, count(*) FROM passages WHERE kind IN (`+where[1:]+`) GROUP BY doc_id`, args...)
}

// BodyCoverage is Coverage counting no headings: a heading's norms are
// inherited by the passages under it, so counting them too would count a
// section's norm once more than it is argued. With no kinds given it
// counts body text.
func (s *Store) BodyCoverage(ctx context.Context, kinds ...corpus.Kind) (map[string]map[string]int, error) {
	var body []corpus.Kind
	for _, k := range countedKinds(kinds) {
		if k != corpus.KindHeading {
			body = append(body, k)
		}
	}
	if len(body) == 0 {
		return map[string]map[string]int{}, nil
	}
	_, where, args := kindFilter(body, "t") // never every kind: no heading
	return s.countPairs(ctx, "coverage", `SELECT t.doc_id, t.norm, count(*) FROM tags t
		JOIN passages p ON p.doc_id = t.doc_id AND p.seq = t.seq WHERE 1`+where+` GROUP BY t.doc_id, t.norm`, args...)
}

// countedKinds is kinds, or corpus.CountedKinds when none are given.
func countedKinds(kinds []corpus.Kind) []corpus.Kind {
	if len(kinds) == 0 {
		return corpus.CountedKinds
	}
	return kinds
}

// kindFilter restricts a query over tags (aliased tags) to passages of
// the given kinds: a join with passages (aliased p) and a condition
// starting with AND, with its arguments. Every kind needs no filter.
func kindFilter(kinds []corpus.Kind, tags string) (join, where string, args []any) {
	all := true
	for _, k := range corpus.Kinds {
		all = all && slices.Contains(kinds, k)
	}
	if all {
		return "", "", nil
	}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		marks[i], args = "?", append(args, string(k))
	}
	join = " JOIN passages p ON p.doc_id = " + tags + ".doc_id AND p.seq = " + tags + ".seq"
	return join, " AND p.kind IN (" + strings.Join(marks, ",") + ")", args
}

// countPairs runs q, which yields (key, key, count) rows, into a nested
// map key → key → count; what names the query in its error.
func (s *Store) countPairs(ctx context.Context, what, q string, args ...any) (map[string]map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var id, norm string
		var n int
		if err := rows.Scan(&id, &norm, &n); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]int{}
		}
		out[id][norm] = n
	}
	return out, rows.Err()
}

// Cooccurrence counts passages carrying both norms of each pair (a pair
// of the same norm counts passages carrying it): "a" → "b" → passages.
// It counts passages of the given kinds, body text and headings when none
// are given.
func (s *Store) Cooccurrence(ctx context.Context, kinds ...corpus.Kind) (map[string]map[string]int, error) {
	join, where, args := kindFilter(countedKinds(kinds), "x")
	return s.countPairs(ctx, "co-occurrence", `SELECT x.norm, y.norm, count(*) FROM tags x
		JOIN tags y ON x.doc_id = y.doc_id AND x.seq = y.seq`+join+` WHERE 1`+where+` GROUP BY x.norm, y.norm`, args...)
}

// Backlog is how far the index is behind the store.
type Backlog struct {
	Documents int `json:"documents"` // stored
	Unindexed int `json:"unindexed"` // stored, not yet confirmed in the index
	Deletes   int `json:"deletes"`   // deleted, not yet removed from the index
	// Unindexable counts stored documents the index could not take
	// (MarkUnindexable); they are not a backlog: no writer retries them.
	Unindexable int `json:"unindexable"`
}

// Behind reports whether the index lacks changes the store has.
func (b Backlog) Behind() bool { return b.Unindexed > 0 || b.Deletes > 0 }

// IndexBacklog counts the stored documents, those the index has not
// confirmed yet, and the deletes it has not applied: what a reader needs
// to tell whether the index is behind the store.
func (s *Store) IndexBacklog(ctx context.Context) (Backlog, error) {
	var b Backlog
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM documents),
		(SELECT count(*) FROM documents WHERE indexed = 0), (SELECT count(*) FROM index_deletes),
		(SELECT count(*) FROM documents WHERE indexed = ?)`, indexedSkipped).Scan(&b.Documents, &b.Unindexed, &b.Deletes, &b.Unindexable)
	if err != nil {
		return b, fmt.Errorf("count index backlog: %w", err)
	}
	return b, nil
}

// tagsQuery loads a document's tags, by passage and rank.
const tagsQuery = `SELECT seq, norm, score, inherited, evidence FROM tags WHERE doc_id = ? ORDER BY seq, rank`

// eachTag calls fn with every stored tag of a document, by passage and
// rank.
func eachTag(ctx context.Context, q querier, docID string, fn func(seq int, t corpus.Tag)) error {
	tr, err := q.QueryContext(ctx, tagsQuery, docID)
	if err != nil {
		return fmt.Errorf("load tags of %s: %w", docID, err)
	}
	defer tr.Close()
	return scanTags(tr, docID, fn)
}

// scanTags calls fn with each tag of the rows of tagsQuery.
func scanTags(tr *sql.Rows, docID string, fn func(seq int, t corpus.Tag)) error {
	var seqv, inhv any
	var ev string
	for tr.Next() {
		var t corpus.Tag
		if err := tr.Scan(&seqv, &t.Norm, &t.Score, &inhv, &ev); err != nil {
			return err
		}
		seq, err := intOf(seqv)
		if err != nil {
			return fmt.Errorf("tag of %s: %w", docID, err)
		}
		inh, err := intOf(inhv)
		if err != nil {
			return fmt.Errorf("tag of %s/%d: %w", docID, seq, err)
		}
		t.Inherited = inh != 0
		if t.Evidence, err = decodeEvidence(ev); err != nil {
			return fmt.Errorf("tag evidence of %s/%d: %w", docID, seq, err)
		}
		fn(seq, t)
	}
	return tr.Err()
}
