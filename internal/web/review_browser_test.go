package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// TestBrowserReview drives review mode in headless Chromium: a write
// without the token is refused, and so are writes from a page of another
// origin, even once the browser holds a session; an analyst logs in with
// the token and rejects one norm and adds another on a passage with the
// page's buttons. The judgements show in search, export and coverage,
// and survive retag --all and a re-ingest of the same file.
func TestBrowserReview(t *testing.T) {
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (.ci/run installs Debian's chromium)")
	}
	ts, d := reviewServer(t)
	tg := pickTarget(t, d)
	before := coverage(t, ts.URL, tg.doc)
	// Another origin (another port of the same host: the same site, so
	// the browser sends the strict cookie; the server must still refuse).
	body := fmt.Sprintf(`{"doc":%q,"passage":%d,"norm":%q,"verdict":"add","note":"`, tg.doc, tg.seq, tg.add)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><body><form id="f" method="post" enctype="text/plain" action="%s/api/judgements">
<input type="hidden" name='%s' value='"}'></form><button id="go" onclick="document.getElementById('f').submit()">go</button></body></html>`, ts.URL, body)
	}))
	defer evil.Close()

	ctx := browserContext(t, chrome, 90*time.Second)
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	awaitPromise := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	docURL := fmt.Sprintf("%s/documents/%s", ts.URL, tg.doc)
	passage := fmt.Sprintf("#p%d", tg.seq)

	// Without the token: the page offers a log-in, and a write made from
	// it is refused.
	var status string
	run("open the document", chromedp.Navigate(docURL), chromedp.WaitVisible("#review-login", chromedp.ByID),
		chromedp.Evaluate(fmt.Sprintf(`fetch("/api/judgements", {method: "POST", headers: {"Content-Type": "application/json"}, body: %q}).then(r => String(r.status))`, body+`"}`),
			&status, awaitPromise))
	if status != "401" {
		t.Errorf("a write without the token answered %s, want 401", status)
	}
	if n := judgementCount(t, d); n != 0 {
		t.Fatalf("a write without the token stored %d judgements", n)
	}

	// Log in with the token.
	run("log in", chromedp.Click("#review-login", chromedp.ByID))
	waitForURL(t, ctx, "/review")
	run("fill the form", chromedp.WaitVisible("#token", chromedp.ByID),
		chromedp.SendKeys("#by", "ana", chromedp.ByID), chromedp.SendKeys("#token", testToken, chromedp.ByID),
		chromedp.Submit("#token", chromedp.ByID))
	waitForURL(t, ctx, "/documents/"+tg.doc)
	var reviewer string
	run("review bar", chromedp.WaitVisible("#reviewer", chromedp.ByID), chromedp.Text("#reviewer", &reviewer, chromedp.ByID))
	if reviewer != "ana" {
		t.Errorf("reviewing as %q", reviewer)
	}

	// From another origin, with the session cookie in the browser: a
	// form post (no preflight) is refused by the server, a JSON fetch by
	// the browser (no CORS answer to its preflight).
	var fetched, refused string
	run("the other origin's fetch", chromedp.Navigate(evil.URL), chromedp.WaitVisible("#go", chromedp.ByID),
		chromedp.Evaluate(fmt.Sprintf(`fetch(%q, {method: "POST", credentials: "include", headers: {"Content-Type": "application/json"}, body: %q}).then(r => "status " + r.status, e => "blocked: " + e)`,
			ts.URL+"/api/judgements", body+`"}`), &fetched, awaitPromise),
		chromedp.Click("#go", chromedp.ByID))
	waitForURL(t, ctx, ts.URL+"/api/judgements")
	run("the other origin's form post", chromedp.Text("body", &refused, chromedp.ByQuery))
	if !strings.HasPrefix(fetched, "blocked") {
		t.Errorf("a JSON fetch from another origin: %s", fetched)
	}
	if !strings.Contains(refused, "another origin") {
		t.Errorf("a form post from another origin was answered %q", refused)
	}
	if n := judgementCount(t, d); n != 0 {
		t.Fatalf("writes from another origin stored %d judgements", n)
	}

	// Judge with the page's buttons: reject the rule's norm, add another.
	run("reject", chromedp.Navigate(docURL), chromedp.WaitVisible(passage+" .review", chromedp.ByQuery),
		chromedp.SendKeys("#review-note", "not this norm", chromedp.ByID),
		chromedp.Click(fmt.Sprintf(`%s button.judge[data-verdict=reject][data-norm=%s]`, passage, tg.reject), chromedp.ByQuery),
		chromedp.WaitVisible(passage+" .judgement", chromedp.ByQuery))
	run("add", chromedp.SetValue(passage+" select.add-norm", tg.add, chromedp.ByQuery),
		chromedp.Click(passage+" button.judge.add", chromedp.ByQuery))
	var badges, judgements string
	var shot []byte
	deadline := time.Now().Add(20 * time.Second)
	for {
		run("read the passage", chromedp.WaitVisible(passage+" .judgement", chromedp.ByQuery),
			chromedp.Text(passage+" .norms", &badges, chromedp.ByQuery), chromedp.Text(passage+" .review", &judgements, chromedp.ByQuery))
		if strings.Count(judgements, "withdraw") == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	run("screenshot", chromedp.ScrollIntoView(passage, chromedp.ByQuery), chromedp.CaptureScreenshot(&shot))
	saveShot(t, "review.png", shot)
	if strings.Contains(badges, "("+tg.reject+")") || !strings.Contains(badges, "("+tg.add+")") {
		t.Errorf("the page shows the passage's norms as %q after rejecting (%s) and adding (%s)", badges, tg.reject, tg.add)
	}
	if !strings.Contains(judgements, "rejected by ana: not this norm, overriding") || !strings.Contains(judgements, "added by ana") {
		t.Errorf("the page lists the judgements as %q", judgements)
	}
	js, err := d.Store.Judgements(context.Background(), tg.doc)
	if err != nil || len(js) != 2 {
		t.Fatalf("stored judgements: %+v %v", js, err)
	}
	for _, j := range js {
		if j.By != "ana" || j.RulesVersion == "" || j.At.IsZero() || j.Seq != tg.seq {
			t.Errorf("stored judgement: %+v", j)
		}
	}
	checkJudged(t, ts.URL, tg, before, "after judging in the page")

	// retag --all, and a re-ingest of the same file, as the commands do
	// them (a writer of the data directory while the server runs).
	writer := func(fn func(*datadir.Dir) error) {
		t.Helper()
		w, err := datadir.Open(context.Background(), d.Path, datadir.Options{Write: true, LockWait: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if err := fn(w); err != nil {
			t.Fatal(err)
		}
	}
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	writer(func(w *datadir.Dir) error {
		_, err := pipeline.Retag(context.Background(), w, tagger, pipeline.RetagOptions{All: true})
		return err
	})
	checkJudged(t, ts.URL, tg, before, "after retag --all")

	doc, err := d.Store.Document(context.Background(), tg.doc, 0)
	if err != nil {
		t.Fatal(err)
	}
	writer(func(w *datadir.Dir) error {
		// The document goes (its path forgotten, as ingest --prune does
		// when the file is gone) and its file is ingested again.
		gone, err := w.Store.RemovePath(context.Background(), doc.Path)
		if err != nil || gone != tg.doc {
			return fmt.Errorf("remove %s: %q %v", doc.Path, gone, err)
		}
		if err := w.Heal(context.Background()); err != nil {
			return err
		}
		if ok, _ := w.Store.HasDocument(context.Background(), tg.doc); ok {
			return fmt.Errorf("document %s still stored", tg.doc)
		}
		sum, err := pipeline.Ingest(context.Background(), w, []string{doc.Path}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}})
		if err == nil && sum.Added != 1 {
			err = fmt.Errorf("re-ingest added %d documents", sum.Added)
		}
		return err
	})
	checkJudged(t, ts.URL, tg, before, "after a re-ingest of the same file")

	// The page shows the judgements again after both.
	run("reload", chromedp.Navigate(docURL), chromedp.WaitVisible(passage+" .judgement", chromedp.ByQuery),
		chromedp.Text(passage+" .norms", &badges, chromedp.ByQuery))
	if strings.Contains(badges, "("+tg.reject+")") || !strings.Contains(badges, "("+tg.add+")") {
		t.Errorf("after retag and re-ingest the page shows %q", badges)
	}
	if js, _ := d.Store.Judgements(context.Background(), tg.doc); len(js) != 2 || js[0].Verdict == "" {
		t.Errorf("judgements after retag and re-ingest: %+v", js)
	}
}

// saveShot keeps a screenshot where NORMTAG_SCREENSHOT_DIR says, else in
// the test's temporary directory.
func saveShot(t *testing.T, name string, shot []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if dir := os.Getenv("NORMTAG_SCREENSHOT_DIR"); dir != "" {
		path = filepath.Join(dir, name)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
}
