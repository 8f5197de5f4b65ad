package web

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowserCopyCitation clicks "Copy citation" on a search hit in
// headless Chromium, reads the citation the page then shows and the one
// on the clipboard, follows its permalink to the highlighted passage,
// and copies a citation on the document page too.
func TestBrowserCopyCitation(t *testing.T) {
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (.ci/run installs Debian's chromium)")
	}
	ts, _ := sampleServer(t)
	ctx := browserContext(t, chrome, 60*time.Second)
	awaitPromise := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

	var hidden bool
	var shown, status, clip, title string
	var searchShot []byte
	err = chromedp.Run(ctx,
		browser.GrantPermissions([]browser.PermissionType{browser.PermissionTypeClipboardReadWrite, browser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(ts.URL),
		chromedp.Navigate(ts.URL+"/?q=critical+infrastructure&norm=g"),
		chromedp.WaitVisible("#hits li .copy-cite", chromedp.ByQuery),
		// Before the click the citation is in the page but not shown.
		chromedp.Evaluate(`getComputedStyle(document.querySelector("#hits li .citation")).display === "none"`, &hidden),
		chromedp.Text("#hits li a.title", &title, chromedp.ByQuery),
		chromedp.Click("#hits li .copy-cite", chromedp.ByQuery),
		chromedp.WaitVisible("#hits li .citebox.open .citation", chromedp.ByQuery),
		chromedp.Text("#hits li .citation", &shown, chromedp.ByQuery),
		chromedp.Text("#hits li .copy-status", &status, chromedp.ByQuery),
		chromedp.Evaluate(`navigator.clipboard.readText()`, &clip, awaitPromise),
		chromedp.CaptureScreenshot(&searchShot),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(searchShot) < 1000 {
		t.Errorf("search page screenshot of %d bytes", len(searchShot))
	}
	saveShot(t, "citation-search.png", searchShot)
	if !hidden {
		t.Error("the citation shows before its button is clicked")
	}
	if !citationLine.MatchString(shown) || !strings.Contains(shown, "“"+title+"”") {
		t.Errorf("citation shown after the click: %q (title %q)", shown, title)
	}
	if status != "Copied:" || clip != shown {
		t.Errorf("status %q; clipboard %q, shown %q", status, clip, shown)
	}

	// The permalink, the citation's last word, opens the document at the
	// passage, which is the page's :target and highlighted.
	link := shown[strings.LastIndex(shown, " ")+1:]
	var loc, targetText string
	var outlined bool
	var shot []byte
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible("#doc-title", chromedp.ByID),
		chromedp.Location(&loc),
		chromedp.Text(".passage:target .text", &targetText, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector(".passage:target")).outlineStyle === "solid"`, &outlined),
		// Copy the citation of the same passage on the document page.
		chromedp.Click(".passage:target .copy-cite", chromedp.ByQuery),
		chromedp.WaitVisible(".passage:target .citebox.open .citation", chromedp.ByQuery),
		chromedp.Evaluate(`navigator.clipboard.readText()`, &clip, awaitPromise),
		chromedp.CaptureScreenshot(&shot),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "/documents/") || !strings.Contains(loc, "#p") || targetText == "" || !outlined {
		t.Errorf("permalink %s opened %s, target passage %.60q, highlighted %v", link, loc, targetText, outlined)
	}
	if clip != shown {
		t.Errorf("the document page copies %q, the search page copied %q", clip, shown)
	}
	if len(shot) < 1000 {
		t.Errorf("document page screenshot of %d bytes", len(shot))
	}
	saveShot(t, "citation-document.png", shot)
}
