package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// artefactDir is where browser tests save screenshots: $NORMTAG_ARTEFACTS
// when set (CI keeps it), else a temporary directory.
func artefactDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("NORMTAG_ARTEFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// TestBrowserSearchPage drives the search page as a user would, in
// headless Chromium: a facet clicked becomes a chip, and removing the
// chip undoes it; pages 1 to 3 and back; the any/all switch changes the
// norm counts, which match the totals ticking gives; the keyboard moves
// between hits and opens one, whose passage is marked; and at 375 px
// wide no element is wider than its box.
func TestBrowserSearchPage(t *testing.T) {
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (.ci/run installs Debian's chromium)")
	}
	ts, _ := sampleServer(t)
	ctx := browserContext(t, chrome, 5*time.Minute)
	dir := artefactDir(t)
	run := func(actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	total := func() int {
		t.Helper()
		var s string
		run(chromedp.Text("#total-n", &s, chromedp.ByID))
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatalf("total %q", s)
		}
		return n
	}
	count := func(sel string) (int, bool) {
		t.Helper()
		var s string
		run(chromedp.Text(sel+" .count", &s, chromedp.ByQuery))
		s = strings.TrimSpace(s)
		n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
		if err != nil {
			t.Fatalf("count of %s: %q", sel, s)
		}
		return n, strings.HasPrefix(s, "+")
	}
	// back is the browser's back button (chromedp.NavigateBack waits for
	// a load event a page restored from the back-forward cache never fires).
	// After it, chromedp's queries of nodes may wait for ever: the test
	// reads such a page with Evaluate only, then navigates afresh.
	back := func() {
		t.Helper()
		run(chromedp.Evaluate(`history.back()`, nil))
	}
	shot := func(name string) {
		t.Helper()
		var png []byte
		run(chromedp.FullScreenshot(&png, 100))
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		if len(png) < 1000 {
			t.Errorf("screenshot %s is empty", name)
		}
		t.Logf("screenshot: %s (%d bytes)", path, len(png))
	}

	// Facet click → chip → remove.
	run(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(ts.URL+"/?q=&limit=5"), chromedp.WaitVisible("#hits li", chromedp.ByQuery))
	all := total()
	first := `#facet-submitter a.fv`
	var submitter string
	run(chromedp.AttributeValue(first, "data-value", &submitter, nil, chromedp.ByQuery))
	want, _ := count(first)
	run(chromedp.Click(first, chromedp.ByQuery))
	waitForURL(t, ctx, "submitter=")
	var chips string
	run(chromedp.WaitVisible("#chips .chip", chromedp.ByQuery), chromedp.Text("#chips", &chips, chromedp.ByID))
	if !strings.Contains(chips, submitter) {
		t.Errorf("chips %q do not name the submitter %q", chips, submitter)
	}
	if got := total(); got != want || got >= all {
		t.Errorf("submitter %q showed %d, ticking it gives %d of %d", submitter, want, got, all)
	}
	shot("search-chip.png")
	run(chromedp.Click("#chips .chip", chromedp.ByQuery))
	waitForGone(t, ctx, "submitter=")
	var nChips int
	run(chromedp.Evaluate(`document.querySelectorAll("#chips .chip").length`, &nChips))
	if got := total(); got != all || nChips != 0 {
		t.Errorf("after removing the chip: %d chips, total %d, want %d", nChips, got, all)
	}

	// Pages: 1 → 3 → back.
	firstHit := func() string {
		var href string
		run(chromedp.Evaluate(`(document.querySelector("#hits li a.title") || {}).pathname + (document.querySelector("#hits li a.title") || {}).hash`, &href))
		if href == "undefinedundefined" {
			shot("no-hits.png")
			t.Fatal("no hit on the page")
		}
		return href
	}
	onPage1 := firstHit()
	run(chromedp.Click(`#pager a[data-page="3"]`, chromedp.ByQuery))
	waitForURL(t, ctx, "page=3")
	var current string
	run(chromedp.Text("#pager .current", &current, chromedp.ByQuery))
	onPage3 := firstHit()
	if current != "3" || onPage3 == onPage1 {
		t.Errorf("page 3: current %q, first hit %s (page 1: %s)", current, onPage3, onPage1)
	}
	run(chromedp.Click("#prev", chromedp.ByID))
	waitForURL(t, ctx, "page=2")
	back()
	waitForURL(t, ctx, "page=3")
	back()
	waitForGone(t, ctx, "page=")
	if got := firstHit(); got != onPage1 {
		t.Errorf("back on page 1 the first hit is %s, was %s", got, onPage1)
	}

	// Any/all: the counts change, and each matches what ticking gives.
	run(chromedp.Navigate(ts.URL+"/?q=&norm=g"), chromedp.WaitVisible("#facet-norm", chromedp.ByID))
	base := total()
	orCounts, andCounts := map[string]int{}, map[string]int{}
	for _, l := range []string{"a", "b", "c", "d", "e", "f", "h", "i", "j", "k"} {
		n, adds := count(`#facet-norm a[data-value="` + l + `"]`)
		if !adds {
			t.Errorf("OR: norm %s's count is not an addition", l)
		}
		orCounts[l] = n
	}
	pick := ""
	for _, l := range []string{"f", "h", "b", "a", "c", "d", "e", "i", "j", "k"} {
		if orCounts[l] > 0 {
			pick = l
			break
		}
	}
	if pick == "" {
		t.Fatal("no norm adds anything to (g)")
	}
	run(chromedp.Click(`#facet-norm a[data-value="`+pick+`"]`, chromedp.ByQuery))
	waitForURL(t, ctx, "norm="+pick)
	if got := total(); got != base+orCounts[pick] {
		t.Errorf("OR: (%s) showed +%d over %d, ticking it gives %d", pick, orCounts[pick], base, got)
	}
	run(chromedp.Navigate(ts.URL+"/?q=&norm=g"), chromedp.WaitVisible("#norm-and", chromedp.ByID))
	run(chromedp.Click("#norm-and", chromedp.ByID))
	waitForURL(t, ctx, "norm_op=and")
	changed := false
	for l, n := range orCounts {
		m, adds := count(`#facet-norm a[data-value="` + l + `"]`)
		if adds {
			t.Errorf("AND: norm %s's count is an addition", l)
		}
		andCounts[l] = m
		changed = changed || m != n
	}
	if !changed {
		t.Errorf("the AND switch changed no count: %v", andCounts)
	}
	shot("search-and.png")
	run(chromedp.Click(`#facet-norm a[data-value="`+pick+`"]`, chromedp.ByQuery))
	waitForURL(t, ctx, "norm="+pick)
	if got := total(); got != andCounts[pick] {
		t.Errorf("AND: (%s) showed %d, ticking it gives %d", pick, andCounts[pick], got)
	}

	// Keyboard: / focuses the query; j, j, o opens the second hit, whose
	// passage is marked on the document page.
	run(chromedp.Navigate(ts.URL+"/?q=critical+infrastructure"), chromedp.WaitVisible("#hits li", chromedp.ByQuery))
	var focused string
	run(chromedp.KeyEvent("/"), chromedp.Evaluate(`document.activeElement.id`, &focused))
	if focused != "q" {
		t.Errorf("/ focused %q, not the query", focused)
	}
	var second string
	run(chromedp.KeyEvent(kb.Escape), chromedp.AttributeValue("#hits li:nth-child(2) a.title", "href", &second, nil, chromedp.ByQuery))
	run(chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
	var selected int
	run(chromedp.Evaluate(`[...document.querySelectorAll("#hits > li")].findIndex(li => li.classList.contains("selected"))`, &selected))
	if selected != 1 {
		t.Errorf("after j j the selected hit is %d, want 1", selected)
	}
	run(chromedp.KeyEvent("o"))
	waitForURL(t, ctx, "/documents/")
	anchor := second[strings.Index(second, "#")+1:]
	var linked bool
	run(chromedp.WaitVisible("#"+anchor, chromedp.ByQuery), chromedp.Evaluate(`(() => { const p = document.getElementById("`+anchor+`"); const r = p.getBoundingClientRect();
		return p.matches(":target") && p.classList.contains("linked") && getComputedStyle(p).outlineStyle !== "none" && r.top >= 0 && r.bottom <= innerHeight + r.height; })()`, &linked))
	if !linked {
		t.Errorf("the linked passage %s is not marked and in view", anchor)
	}

	// 375 px: nothing overflows on the search page, the overview and a
	// document.
	for _, c := range []struct{ name, path string }{
		{"search-375.png", "/?q=critical+infrastructure&norm=g&norm=f&submitter_type=state"},
		{"home-375.png", "/"},
	} {
		run(chromedp.EmulateViewport(375, 812), chromedp.Navigate(ts.URL+c.path), chromedp.WaitReady("body", chromedp.ByQuery))
		var over []string
		run(chromedp.Evaluate(`[...document.querySelectorAll("*")].filter(e => e.scrollWidth > e.clientWidth && e.clientWidth > 0 || e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
			.map(e => e.tagName + "#" + e.id + "." + e.className + " " + e.scrollWidth + ">" + e.clientWidth)`, &over))
		var pageW, viewW int
		run(chromedp.Evaluate(`document.documentElement.scrollWidth`, &pageW), chromedp.Evaluate(`document.documentElement.clientWidth`, &viewW))
		if len(over) > 0 || pageW > viewW {
			t.Errorf("%s at 375 px: page %d wide in %d; overflowing: %v", c.path, pageW, viewW, over)
		}
		shot(c.name)
	}
}

// waitForGone waits until the page's URL no longer contains part.
func waitForGone(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var loc, state string
		if err := chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Evaluate(`document.readyState`, &state)); err == nil && !strings.Contains(loc, part) && state == "complete" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the page's URL still contains %q", part)
}
