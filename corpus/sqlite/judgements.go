package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
)

// judgementsSchema holds analysts' judgements. They have no foreign key
// to documents: a document deleted (its file moved away) and ingested
// again gets its judgements back, and the text they were made on stays
// exportable meanwhile.
const judgementsSchema = `
CREATE TABLE IF NOT EXISTS judgements (
	doc_id        TEXT NOT NULL,
	text_hash     TEXT NOT NULL,
	norm          TEXT NOT NULL,
	verdict       TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	text          TEXT NOT NULL,
	heading       INTEGER NOT NULL DEFAULT 0,
	by            TEXT NOT NULL,
	at            INTEGER NOT NULL,
	rules_version TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	rule_tag      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (doc_id, text_hash, norm)
) WITHOUT ROWID;
`

// ErrNoPassage is wrapped by Judge when the document has no passage at
// the given position.
var ErrNoPassage = errors.New("no such passage")

const judgementColumns = `doc_id, text_hash, norm, verdict, seq, text, heading, by, at, rules_version, note, rule_tag`

func scanJudgement(sc rowScanner) (*corpus.Judgement, error) {
	var j corpus.Judgement
	var verdict, ruleTag string
	var heading int
	var at int64
	if err := sc.Scan(&j.DocID, &j.TextHash, &j.Norm, &verdict, &j.Seq, &j.Text, &heading, &j.By, &at, &j.RulesVersion, &j.Note, &ruleTag); err != nil {
		return nil, err
	}
	j.Verdict, j.Heading, j.At = corpus.Verdict(verdict), heading != 0, time.Unix(0, at).UTC()
	if ruleTag != "" {
		j.RuleTag = new(corpus.Tag)
		if err := json.Unmarshal([]byte(ruleTag), j.RuleTag); err != nil {
			return nil, fmt.Errorf("judgement %s/%d (%s): rule tag: %w", j.DocID, j.Seq, j.Norm, err)
		}
	}
	return &j, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryJudgements(ctx context.Context, q querier, where string, args ...any) ([]*corpus.Judgement, error) {
	return queryAll(ctx, q, "load judgements", scanJudgement,
		`SELECT `+judgementColumns+` FROM judgements `+where+` ORDER BY doc_id, seq, norm`, args...)
}

// Judgements lists the judgements made on a document's passages, or on
// every document's when docID is "", by document and position.
func (s *Store) Judgements(ctx context.Context, docID string) ([]*corpus.Judgement, error) {
	if docID == "" {
		return queryJudgements(ctx, s.db, ``)
	}
	return queryJudgements(ctx, s.db, `WHERE doc_id = ?`, docID)
}

// saveJudgement writes a judgement, replacing the one on the same
// passage text and norm.
func saveJudgement(ctx context.Context, tx execer, j *corpus.Judgement) error {
	rt := ""
	if j.RuleTag != nil {
		b, err := json.Marshal(j.RuleTag)
		if err != nil {
			return err
		}
		rt = string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO judgements(`+judgementColumns+`) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(doc_id, text_hash, norm) DO UPDATE SET verdict=excluded.verdict, seq=excluded.seq, text=excluded.text,
		heading=excluded.heading, by=excluded.by, at=excluded.at, rules_version=excluded.rules_version, note=excluded.note, rule_tag=excluded.rule_tag`,
		j.DocID, j.TextHash, j.Norm, string(j.Verdict), j.Seq, j.Text, boolInt(j.Heading), j.By, j.At.UnixNano(), j.RulesVersion, j.Note, rt)
	if err != nil {
		return fmt.Errorf("save judgement %s/%d (%s): %w", j.DocID, j.Seq, j.Norm, err)
	}
	return nil
}

// judgeInTx applies the document's judgements to passages about to be
// stored with the tags the rules gave them, and returns a copy of them
// with the tags they carry, or nil when no judgement is about the
// document. Each judgement records where its passage is and what the
// rules said. passages are not changed.
func judgeInTx(ctx context.Context, tx execer, docID string, passages []corpus.Passage) ([]corpus.Passage, error) {
	js, err := queryJudgements(ctx, tx, `WHERE doc_id = ?`, docID)
	if err != nil || len(js) == 0 {
		return nil, err
	}
	judged := slices.Clone(passages)
	corpus.JudgePassages(judged, js)
	for _, j := range js {
		if err := saveJudgement(ctx, tx, j); err != nil {
			return nil, err
		}
	}
	return judged, nil
}

// carryJudgements moves to a document that replaces another at the same
// path (its file changed) the judgements made on the other's passages
// whose text it still has; the others stay with the old document, should
// its bytes come back.
func carryJudgements(ctx context.Context, tx execer, from string, to *corpus.Document) error {
	js, err := queryJudgements(ctx, tx, `WHERE doc_id = ?`, from)
	if err != nil || len(js) == 0 {
		return err
	}
	have := map[string]bool{}
	for _, p := range to.Passages {
		have[corpus.PassageHash(p.Text)] = true
	}
	for _, j := range js {
		if !have[j.TextHash] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE judgements SET doc_id = ? WHERE doc_id = ? AND text_hash = ? AND norm = ?`,
			to.ID, from, j.TextHash, j.Norm); err != nil {
			return fmt.Errorf("carry judgements from %s: %w", from, err)
		}
	}
	return nil
}

// Judge records a judgement on the passage at j.Seq of document j.DocID
// and re-tags the document's judged passages: the store's tags (and so
// the index, exports and counts) carry judgements instead of the rules'
// word. A judgement on the same passage text and norm is replaced (and
// leaves the passage it was on, should that be another copy of the
// text). The passage's text, the document's rules version and, when
// unset, the time are filled in. The document is marked unindexed so the
// index picks up the change.
func (s *Store) Judge(ctx context.Context, j corpus.Judgement) (*corpus.Judgement, error) {
	if _, ok := norms.ByLetter(j.Norm); !ok {
		return nil, fmt.Errorf("judge: %q is not a norm letter (a to k)", j.Norm)
	}
	if _, err := corpus.ParseVerdict(string(j.Verdict)); err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	if strings.TrimSpace(j.By) == "" {
		return nil, errors.New("judge: who judges must be named")
	}
	if j.At.IsZero() {
		j.At = time.Now().UTC()
	}
	err := s.rejudge(ctx, j.DocID, j.Seq, func(p corpus.Passage, rulesVersion string, js []*corpus.Judgement) []*corpus.Judgement {
		j.TextHash, j.Text, j.Heading, j.RulesVersion = corpus.PassageHash(p.Text), p.Text, p.Heading, rulesVersion
		for i, o := range js {
			if o.TextHash == j.TextHash && o.Norm == j.Norm {
				js[i] = &j
				return js
			}
		}
		return append(js, &j)
	})
	if err != nil {
		return nil, fmt.Errorf("judge %s/%d (%s): %w", j.DocID, j.Seq, j.Norm, err)
	}
	return &j, nil
}

// Unjudge withdraws the judgement on a norm of the passage at seq: the
// passage carries the rules' tag again. It reports whether there was one.
func (s *Store) Unjudge(ctx context.Context, docID string, seq int, norm string) (bool, error) {
	found := false
	err := s.rejudge(ctx, docID, seq, func(p corpus.Passage, _ string, js []*corpus.Judgement) []*corpus.Judgement {
		hash := corpus.PassageHash(p.Text)
		for i, o := range js {
			if o.TextHash == hash && o.Norm == norm && o.Seq == seq {
				found = true
				return append(js[:i:i], js[i+1:]...)
			}
		}
		return js
	})
	if err != nil {
		return false, fmt.Errorf("withdraw judgement %s/%d (%s): %w", docID, seq, norm, err)
	}
	return found, nil
}

// rejudge changes a document's judgements in one transaction: change
// gets the passage at seq, the document's rules version and the
// document's judgements, and returns the new set. The rules' tags of
// every passage are recovered from the stored tags and the judgements
// applied to them, the new set is applied (each judgement to its
// passage, the copy at its Seq when a text is there twice), and the
// passages whose tags change are written.
func (s *Store) rejudge(ctx context.Context, docID string, seq int, change func(corpus.Passage, string, []*corpus.Judgement) []*corpus.Judgement) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var rulesVersion string
		err := tx.QueryRowContext(ctx, `SELECT rules_version FROM documents WHERE id = ?`, docID).Scan(&rulesVersion)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("document %s: %w", docID, corpus.ErrNotFound)
		}
		if err != nil {
			return err
		}
		passages, err := judgedPassages(ctx, tx, docID)
		if err != nil {
			return err
		}
		at := slices.IndexFunc(passages, func(p corpus.Passage) bool { return p.Seq == seq })
		if at < 0 {
			return fmt.Errorf("passage %d: %w", seq, ErrNoPassage)
		}
		js, err := queryJudgements(ctx, tx, `WHERE doc_id = ?`, docID)
		if err != nil {
			return err
		}
		bySeq := map[int][]*corpus.Judgement{}
		for _, j := range js {
			bySeq[j.Seq] = append(bySeq[j.Seq], j)
		}
		carried := make([][]corpus.Tag, len(passages))
		for i := range passages {
			carried[i] = passages[i].Tags
			passages[i].Tags = corpus.RuleTags(passages[i].Tags, bySeq[passages[i].Seq])
		}
		next := change(passages[at], rulesVersion, slices.Clone(js))
		corpus.JudgePassages(passages, next)
		for _, j := range next {
			if err := saveJudgement(ctx, tx, j); err != nil {
				return err
			}
		}
		for _, j := range js {
			if !slices.ContainsFunc(next, func(n *corpus.Judgement) bool { return n.TextHash == j.TextHash && n.Norm == j.Norm }) {
				if _, err := tx.ExecContext(ctx, `DELETE FROM judgements WHERE doc_id = ? AND text_hash = ? AND norm = ?`, docID, j.TextHash, j.Norm); err != nil {
					return fmt.Errorf("delete judgement: %w", err)
				}
			}
		}
		var changed []corpus.Passage
		for i, p := range passages {
			if !sameTags(carried[i], p.Tags) {
				changed = append(changed, p)
				if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE doc_id = ? AND seq = ?`, docID, p.Seq); err != nil {
					return err
				}
			}
		}
		if err := insertTags(ctx, tx, docID, changed); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE documents SET indexed = 0 WHERE id = ?`, docID)
		return err
	})
}

// judgedPassages loads a document's passages (position, heading, text)
// with the tags they carry, reading inside tx.
func judgedPassages(ctx context.Context, tx *sql.Tx, docID string) ([]corpus.Passage, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, heading, text FROM passages WHERE doc_id = ? ORDER BY seq`, docID)
	if err != nil {
		return nil, fmt.Errorf("load passages of %s: %w", docID, err)
	}
	var out []corpus.Passage
	index := map[int]int{}
	for rows.Next() {
		var p corpus.Passage
		var heading int
		if err := rows.Scan(&p.Seq, &heading, &p.Text); err != nil {
			rows.Close()
			return nil, err
		}
		p.Heading = heading != 0
		index[p.Seq] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = eachTag(ctx, tx, docID, func(seq int, t corpus.Tag) {
		if i, ok := index[seq]; ok {
			out[i].Tags = append(out[i].Tags, t)
		}
	})
	return out, err
}

// sameTags reports whether two tag lists are equal, evidence and all.
func sameTags(a, b []corpus.Tag) bool {
	return slices.EqualFunc(a, b, func(x, y corpus.Tag) bool {
		return x.Norm == y.Norm && x.Score == y.Score && x.Inherited == y.Inherited && slices.Equal(x.Evidence, y.Evidence)
	})
}

// passageTags loads the tags one passage carries, best first.
func passageTags(ctx context.Context, q querier, docID string, seq int) ([]corpus.Tag, error) {
	rows, err := q.QueryContext(ctx, `SELECT norm, score, inherited, evidence FROM tags WHERE doc_id = ? AND seq = ? ORDER BY rank`, docID, seq)
	if err != nil {
		return nil, fmt.Errorf("load tags of %s/%d: %w", docID, seq, err)
	}
	defer rows.Close()
	out := []corpus.Tag{}
	for rows.Next() {
		var t corpus.Tag
		var inh int
		var ev string
		if err := rows.Scan(&t.Norm, &t.Score, &inh, &ev); err != nil {
			return nil, err
		}
		t.Inherited = inh != 0
		if err := json.Unmarshal([]byte(ev), &t.Evidence); err != nil {
			return nil, fmt.Errorf("tag evidence of %s/%d: %w", docID, seq, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ResolveID finds the stored document whose id is or starts with prefix
// (at least 6 hex digits, as `normtag docs` shows 12).
func (s *Store) ResolveID(ctx context.Context, prefix string) (string, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if len(prefix) < 6 || len(prefix) > 64 || strings.Trim(prefix, "0123456789abcdef") != "" {
		return "", fmt.Errorf("document id %q: give at least 6 of its hexadecimal digits", prefix)
	}
	ids, err := s.ids(ctx, `SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT 2`, prefix, prefix+"g")
	if err != nil {
		return "", err
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("document %s: %w", prefix, corpus.ErrNotFound)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("document id %q is the start of several documents' ids: give more digits", prefix)
}

// ReviewFilter selects the passages ReviewQueue lists.
type ReviewFilter struct {
	Norm  string // only passages carrying this norm, ordered by its score
	DocID string // only this document's passages
	Limit int    // at most this many (0: 50)
}

// ReviewItem is a passage to look at.
type ReviewItem struct {
	DocID string `json:"doc_id"`
	Title string `json:"title"`
	File  string `json:"file"`
	Seq   int    `json:"passage"`
	Page  int    `json:"page"`
	// Score is the lowest score of the passage's tags (of Norm's tag,
	// with a norm filter).
	Score float64      `json:"score"`
	Text  string       `json:"text"`
	Tags  []corpus.Tag `json:"norms"`
}

// ReviewQueue lists tagged passages no analyst has judged, weakest tag
// first: the tags likeliest to be wrong.
func (s *Store) ReviewQueue(ctx context.Context, f ReviewFilter) ([]ReviewItem, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var where []string
	var args []any
	if f.Norm != "" {
		where, args = append(where, `t.norm = ?`), append(args, f.Norm)
	}
	if f.DocID != "" {
		where, args = append(where, `t.doc_id = ?`), append(args, f.DocID)
	}
	where = append(where, `NOT EXISTS (SELECT 1 FROM judgements j WHERE j.doc_id = t.doc_id AND j.seq = t.seq)`)
	rows, err := s.db.QueryContext(ctx, `SELECT t.doc_id, t.seq, min(t.score) AS low, d.title, d.file_name, p.page, p.text
		FROM tags t JOIN passages p ON p.doc_id = t.doc_id AND p.seq = t.seq JOIN documents d ON d.id = t.doc_id
		WHERE `+strings.Join(where, " AND ")+` GROUP BY t.doc_id, t.seq ORDER BY low, t.doc_id, t.seq LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list passages to review: %w", err)
	}
	var out []ReviewItem
	for rows.Next() {
		var it ReviewItem
		if err := rows.Scan(&it.DocID, &it.Seq, &it.Score, &it.Title, &it.File, &it.Page, &it.Text); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Tags, err = passageTags(ctx, s.db, out[i].DocID, out[i].Seq); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GoldPassage is a reviewed passage in the gold format of the labelled
// sets (../shared/labeled/*.gold.jsonl), which eval reads.
type GoldPassage struct {
	// Doc is the document's file name (its id once it is no longer stored).
	Doc string `json:"doc"`
	// Gold lists the norms analysts accepted or added, sorted; empty when
	// they only rejected.
	Gold []string `json:"gold"`
	// Kind is "header" for a heading, else "body".
	Kind string `json:"kind"`
	Text string `json:"text"`
	// Path is where the document was ingested from (its first path), ""
	// once it is no longer stored: a writer may make Doc relative to it.
	Path string `json:"-"`
}

// Gold turns the judgements into gold passages, one per judged passage
// text, by document file name and position.
func (s *Store) Gold(ctx context.Context) ([]GoldPassage, error) {
	js, err := s.Judgements(ctx, "")
	if err != nil {
		return nil, err
	}
	type named struct{ name, path string }
	names := map[string]named{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, file_name, coalesce((SELECT min(path) FROM paths WHERE doc_id = documents.id), '')
		FROM documents WHERE id IN (SELECT doc_id FROM judgements)`)
	if err != nil {
		return nil, fmt.Errorf("export judgements: %w", err)
	}
	for rows.Next() {
		var id, name, path string
		if err := rows.Scan(&id, &name, &path); err != nil {
			rows.Close()
			return nil, err
		}
		names[id] = named{name, path}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type key struct{ doc, hash string }
	at := map[key]int{}
	out := []GoldPassage{}
	for _, j := range js {
		k := key{j.DocID, j.TextHash}
		i, ok := at[k]
		if !ok {
			doc := names[j.DocID].name
			if doc == "" {
				doc = j.DocID
			}
			kind := "body"
			if j.Heading {
				kind = "header"
			}
			i = len(out)
			at[k] = i
			out = append(out, GoldPassage{Doc: doc, Gold: []string{}, Kind: kind, Text: j.Text, Path: names[j.DocID].path})
		}
		if j.Verdict != corpus.Reject {
			out[i].Gold = append(out[i].Gold, j.Norm)
		}
	}
	for _, g := range out {
		sort.Strings(g.Gold)
	}
	return out, nil
}

// JudgedDocuments lists the ids of documents with judgements.
func (s *Store) JudgedDocuments(ctx context.Context) (map[string]bool, error) {
	ids, err := s.ids(ctx, `SELECT DISTINCT doc_id FROM judgements`)
	if err != nil {
		return nil, fmt.Errorf("list judged documents: %w", err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
