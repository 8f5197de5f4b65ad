package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// storedNorms returns the norms a stored passage carries.
func storedNorms(t *testing.T, s *Store, id string, seq int) []string {
	t.Helper()
	ps, err := s.Passages(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ps[seq].Norms()
}

func judge(t *testing.T, s *Store, id string, seq int, norm string, v corpus.Verdict) *corpus.Judgement {
	t.Helper()
	j, err := s.Judge(context.Background(), corpus.Judgement{DocID: id, Seq: seq, Norm: norm, Verdict: v, By: "ana", Note: "checked"})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestJudgementsOverrideRuleTags(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkAllIndexed(ctx, true); err != nil {
		t.Fatal(err)
	}
	j := judge(t, s, "aa", 2, "i", corpus.Reject)
	if j.RulesVersion != "v1" || j.Text != "Report vulnerabilities." || j.TextHash != corpus.PassageHash(j.Text) {
		t.Errorf("judgement not filled in from the passage: %+v", j)
	}
	judge(t, s, "aa", 2, "e", corpus.Add)
	judge(t, s, "aa", 2, "j", corpus.Accept)
	if got := storedNorms(t, s, "aa", 2); !slices.Equal(got, []string{"e", "j"}) {
		t.Fatalf("after reject i, add e, accept j: %v", got)
	}
	ps, _ := s.Passages(ctx, "aa")
	for _, tg := range ps[2].Tags {
		if !tg.Judged() {
			t.Errorf("tag %s carries no judgement evidence: %+v", tg.Norm, tg.Evidence)
		}
	}
	if ids, _ := s.Unindexed(ctx); !slices.Equal(ids, []string{"aa"}) {
		t.Errorf("a judged document must be queued for the index; unindexed: %v", ids)
	}
	// Counts read the tags the passages carry.
	cov, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cov["aa"]["i"] != 0 || cov["aa"]["e"] != 1 {
		t.Errorf("coverage does not follow the judgements: %v", cov["aa"])
	}
	st, _ := s.Stats(ctx)
	if st.Norms["i"] != 0 || st.Norms["e"] != 1 {
		t.Errorf("stats do not follow the judgements: %v", st.Norms)
	}
	js, err := s.Judgements(ctx, "aa")
	if err != nil || len(js) != 3 {
		t.Fatalf("judgements: %v %v", js, err)
	}
	for _, j := range js {
		switch j.Norm {
		case "i":
			if !j.Disagrees() || j.RuleTag == nil || j.RuleTag.Score != 0.3 {
				t.Errorf("the rejected rule tag is not remembered: %+v", j)
			}
		case "e":
			if !j.Disagrees() {
				t.Errorf("an added norm the rules do not give disagrees with them: %+v", j)
			}
		case "j":
			if j.Disagrees() {
				t.Errorf("an accepted norm the rules give agrees with them: %+v", j)
			}
		}
	}
	// Withdrawing the rejection gives the rule's tag back, evidence and all.
	if found, err := s.Unjudge(ctx, "aa", 2, "i"); err != nil || !found {
		t.Fatalf("unjudge: %v %v", found, err)
	}
	ps, _ = s.Passages(ctx, "aa")
	if got := ps[2].Norms(); !slices.Equal(got, []string{"e", "j", "i"}) || ps[2].Tags[2].Score != 0.3 {
		t.Errorf("after withdrawing the rejection: %+v", ps[2].Tags)
	}
	// Judging again replaces the judgement on the same norm.
	judge(t, s, "aa", 2, "e", corpus.Reject)
	if got := storedNorms(t, s, "aa", 2); !slices.Equal(got, []string{"j", "i"}) {
		t.Errorf("after turning the add of e into a reject: %v", got)
	}
	if js, _ := s.Judgements(ctx, "aa"); len(js) != 2 {
		t.Errorf("a judgement on the same norm must replace the old one: %d judgements", len(js))
	}
}

func TestJudgementErrors(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		j    corpus.Judgement
		want error
	}{
		{corpus.Judgement{DocID: "aa", Seq: 9, Norm: "g", Verdict: corpus.Accept, By: "ana"}, ErrNoPassage},
		{corpus.Judgement{DocID: "bb", Seq: 0, Norm: "g", Verdict: corpus.Accept, By: "ana"}, corpus.ErrNotFound},
	} {
		if _, err := s.Judge(ctx, c.j); !errors.Is(err, c.want) {
			t.Errorf("%+v: got %v, want %v", c.j, err, c.want)
		}
	}
	for _, j := range []corpus.Judgement{
		{DocID: "aa", Seq: 0, Norm: "z", Verdict: corpus.Accept, By: "ana"},
		{DocID: "aa", Seq: 0, Norm: "g", Verdict: "maybe", By: "ana"},
		{DocID: "aa", Seq: 0, Norm: "g", Verdict: corpus.Accept},
	} {
		if _, err := s.Judge(ctx, j); err == nil {
			t.Errorf("%+v accepted", j)
		}
	}
	if js, _ := s.Judgements(ctx, ""); len(js) != 0 {
		t.Errorf("refused judgements were stored: %v", js)
	}
}

// TestJudgementsSurviveRetagAndReingest: the rules' tags stored again
// (retag), the document deleted and stored again (its file removed and
// put back), and a changed file whose passage text is unchanged all keep
// the judgement.
func TestJudgementsSurviveRetagAndReingest(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	judge(t, s, "aa", 2, "j", corpus.Reject)
	judge(t, s, "aa", 1, "f", corpus.Add)

	// Retag: the rules' tags again, as the tagger gives them.
	fresh := testDoc("aa", "/in/a.txt").Passages
	if err := s.ReplaceTags(ctx, "aa", fresh, "v2"); err != nil {
		t.Fatal(err)
	}
	if got := fresh[2].Norms(); !slices.Equal(got, []string{"i"}) {
		t.Errorf("ReplaceTags must leave the caller's passages with the tags stored: %v", got)
	}
	if got := storedNorms(t, s, "aa", 2); !slices.Equal(got, []string{"i"}) {
		t.Errorf("after retag, the rejected norm is back: %v", got)
	}
	if got := storedNorms(t, s, "aa", 1); !slices.Equal(got, []string{"f", "g"}) {
		t.Errorf("after retag, the added norm is gone: %v", got)
	}

	// The file is removed, then ingested again: same bytes, same id.
	if _, err := s.RemovePath(ctx, "/in/a.txt"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.HasDocument(ctx, "aa"); ok {
		t.Fatal("document not deleted")
	}
	again := testDoc("aa", "/in/a.txt")
	if _, err := s.PutDocument(ctx, again); err != nil {
		t.Fatal(err)
	}
	if got := again.Passages[2].Norms(); !slices.Equal(got, []string{"i"}) {
		t.Errorf("PutDocument must leave the caller's passages with the tags stored: %v", got)
	}
	if got := storedNorms(t, s, "aa", 2); !slices.Equal(got, []string{"i"}) {
		t.Errorf("after re-ingest, the rejected norm is back: %v", got)
	}

	// The file changes (new bytes, new id); passage 2 moves to 3 with
	// the same text, passage 1's text changes.
	changed := testDoc("cc", "/in/a.txt")
	changed.Passages[1].Text = "Protect critical infrastructure."
	changed.Passages = append(changed.Passages[:2], corpus.Passage{Seq: 2, Page: 2, Text: "New paragraph."}, changed.Passages[2])
	changed.Passages[3].Seq = 3
	res, err := s.PutDocument(ctx, changed)
	if err != nil || !slices.Equal(res.Removed, []string{"aa"}) {
		t.Fatalf("put changed file: %+v %v", res, err)
	}
	if got := storedNorms(t, s, "cc", 3); !slices.Equal(got, []string{"i"}) {
		t.Errorf("the unchanged passage of a changed file lost its judgement: %v", got)
	}
	if got := storedNorms(t, s, "cc", 1); !slices.Equal(got, []string{"g"}) {
		t.Errorf("a judgement on a passage whose text changed must not apply: %v", got)
	}
	js, _ := s.Judgements(ctx, "cc")
	if len(js) != 1 || js[0].Seq != 3 || js[0].Norm != "j" {
		t.Errorf("judgements carried to the changed file: %+v", js)
	}
	// The judgement on the changed text stays with the old bytes.
	if js, _ := s.Judgements(ctx, "aa"); len(js) != 1 || js[0].Norm != "f" {
		t.Errorf("judgements left with the old document: %+v", js)
	}
}

func TestReviewQueueAndGold(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	q, err := s.ReviewQueue(ctx, ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	for _, it := range q {
		order = append(order, it.Seq)
	}
	// Weakest tag first: passage 2's (i) 0.3, then 1's (g) 0.6, 0's 1.
	if !slices.Equal(order, []int{2, 1, 0}) || q[0].Score != 0.3 || q[0].Title != "Report aa" {
		t.Fatalf("queue: %+v", q)
	}
	if q, _ := s.ReviewQueue(ctx, ReviewFilter{Norm: "j"}); len(q) != 1 || q[0].Seq != 2 || q[0].Score != 0.8 {
		t.Errorf("queue for (j): %+v", q)
	}
	judge(t, s, "aa", 2, "i", corpus.Reject)
	judge(t, s, "aa", 2, "j", corpus.Accept)
	judge(t, s, "aa", 0, "g", corpus.Reject)
	if q, _ := s.ReviewQueue(ctx, ReviewFilter{}); len(q) != 1 || q[0].Seq != 1 {
		t.Errorf("judged passages must leave the queue: %+v", q)
	}
	gold, err := s.Gold(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []GoldPassage{
		{Doc: "a.txt", Gold: []string{}, Kind: "header", Text: "Norm 7", Path: "/in/a.txt"},
		{Doc: "a.txt", Gold: []string{"j"}, Kind: "body", Text: "Report vulnerabilities.", Path: "/in/a.txt"},
	}
	if fmt.Sprint(gold) != fmt.Sprint(want) {
		t.Errorf("gold:\n got %+v\nwant %+v", gold, want)
	}
}

func TestResolveID(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, id := range []string{"abcdef01", "abcdef02", "123456"} {
		if _, err := s.PutDocument(ctx, testDoc(id, "/in/"+id)); err != nil {
			t.Fatal(err)
		}
	}
	if id, err := s.ResolveID(ctx, "ABCDEF01"); err != nil || id != "abcdef01" {
		t.Errorf("unique prefix: %q %v", id, err)
	}
	if _, err := s.ResolveID(ctx, "abcdef"); err == nil {
		t.Error("an ambiguous prefix must be refused")
	}
	if _, err := s.ResolveID(ctx, "fedcba"); !errors.Is(err, corpus.ErrNotFound) {
		t.Errorf("unknown prefix: %v", err)
	}
	if _, err := s.ResolveID(ctx, "12"); err == nil {
		t.Error("a too short prefix must be refused")
	}
}

// TestUpgradeAddsJudgements opens a store written at the schema version
// before judgements (built here: today's tables without the judgements
// table, version one less) and finds its data intact and judgeable.
func TestUpgradeAddsJudgements(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "corpus.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDocument(ctx, testDoc("aa", "/in/a.txt")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE judgements`, `UPDATE settings SET value='2' WHERE key='schema_version'`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	if _, err := OpenReadOnly(ctx, path); err == nil {
		t.Fatal("a reader must refuse a store of an older schema")
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("a writer must upgrade the store: %v", err)
	}
	defer s.Close()
	doc, err := s.Document(ctx, "aa", corpus.WithAll)
	if err != nil || len(doc.Passages) != 3 || doc.Passages[2].Tags[1].Norm != "i" || doc.Path != "/in/a.txt" {
		t.Fatalf("data lost in the upgrade: %+v %v", doc, err)
	}
	judge(t, s, "aa", 2, "i", corpus.Reject)
	if got := storedNorms(t, s, "aa", 2); !slices.Equal(got, []string{"j"}) {
		t.Errorf("judgement in the upgraded store: %v", got)
	}
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key='schema_version'`).Scan(&v); err != nil || v != fmt.Sprint(schemaVersion) {
		t.Errorf("schema version after upgrade: %q %v", v, err)
	}
}

// TestJudgementOnACopyOfAText: a document holding the same text twice
// (a repeated heading) keeps one judgement per text and norm; judging the
// other copy moves it there, and the first copy carries the rules' tags
// again.
func TestJudgementOnACopyOfAText(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	doc := testDoc("aa", "/in/a.txt")
	repeat := doc.Passages[0]
	repeat.Seq = 3
	doc.Passages = append(doc.Passages, repeat)
	if _, err := s.PutDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	judge(t, s, "aa", 0, "g", corpus.Reject)
	if a, b := storedNorms(t, s, "aa", 0), storedNorms(t, s, "aa", 3); len(a) != 0 || !slices.Equal(b, []string{"g"}) {
		t.Fatalf("after rejecting (g) on the first copy: %v, %v", a, b)
	}
	judge(t, s, "aa", 3, "g", corpus.Reject)
	if a, b := storedNorms(t, s, "aa", 0), storedNorms(t, s, "aa", 3); !slices.Equal(a, []string{"g"}) || len(b) != 0 {
		t.Errorf("after rejecting (g) on the second copy: %v, %v", a, b)
	}
	if js, _ := s.Judgements(ctx, "aa"); len(js) != 1 || js[0].Seq != 3 {
		t.Errorf("judgements: %+v", js)
	}
	// A retag applies it to the copy it was made on.
	fresh := testDoc("aa", "/in/a.txt").Passages
	fresh = append(fresh, repeat)
	if err := s.ReplaceTags(ctx, "aa", fresh, "v2"); err != nil {
		t.Fatal(err)
	}
	if a, b := storedNorms(t, s, "aa", 0), storedNorms(t, s, "aa", 3); !slices.Equal(a, []string{"g"}) || len(b) != 0 {
		t.Errorf("after retag: %v, %v", a, b)
	}
	if found, err := s.Unjudge(ctx, "aa", 0, "g"); err != nil || found {
		t.Errorf("withdrawing from the copy without the judgement: %v %v", found, err)
	}
	if found, err := s.Unjudge(ctx, "aa", 3, "g"); err != nil || !found {
		t.Errorf("withdraw: %v %v", found, err)
	}
	if b := storedNorms(t, s, "aa", 3); !slices.Equal(b, []string{"g"}) {
		t.Errorf("after withdrawing, the second copy: %v", b)
	}
}
