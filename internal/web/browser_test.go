package web

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser drives the page in headless Chromium: search, tick a norm
// facet, open a document, and check what is shown.
func TestBrowser(t *testing.T) {
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (.ci/run installs Debian's chromium)")
	}
	ts, _ := sampleServer(t)
	ctx := browserContext(t, chrome, 60*time.Second)

	var total, hits, docTitle, passages string
	var shot []byte
	err = chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible("#q", chromedp.ByID),
		chromedp.SendKeys("#q", "critical infrastructure", chromedp.ByID),
		chromedp.Submit("#q", chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitForURL(t, ctx, "q=critical")
	err = chromedp.Run(ctx,
		chromedp.WaitVisible("#hits li", chromedp.ByQuery),
		chromedp.Text("#total", &total, chromedp.ByID),
		// Tick norm (g): a facet value is a link to the page with it ticked.
		chromedp.Click(`#facet-norm a[data-value=g]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitForURL(t, ctx, "norm=g")
	err = chromedp.Run(ctx,
		chromedp.WaitVisible(`#facet-norm a.ticked[data-value=g]`, chromedp.ByQuery),
		chromedp.Text("#hits", &hits, chromedp.ByID),
		chromedp.FullScreenshot(&shot, 100), // 100: PNG (less is JPEG)
		chromedp.Click("#hits li a.title", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	waitForURL(t, ctx, "/documents/")
	err = chromedp.Run(ctx,
		chromedp.WaitVisible("#doc-title", chromedp.ByID),
		chromedp.Text("#doc-title", &docTitle, chromedp.ByID),
		chromedp.Text("#passages", &passages, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(total, "passage") {
		t.Errorf("total: %q", total)
	}
	if !strings.Contains(hits, "Protect critical infrastructure") || !strings.Contains(hits, "p. ") {
		t.Errorf("after ticking (g), hits do not show the norm's name and a page:\n%s", hits)
	}
	if docTitle == "" || !strings.Contains(passages, "p. 1") {
		t.Errorf("document view: title %q, passages %.200q", docTitle, passages)
	}
	path := filepath.Join(t.TempDir(), "search.png")
	if dir := os.Getenv("NORMTAG_SCREENSHOT_DIR"); dir != "" {
		path = filepath.Join(dir, "search.png")
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the search page after ticking (g): %s (%d bytes)", path, len(shot))
	if len(shot) < 1000 {
		t.Error("screenshot is empty")
	}
}

// browserProfileDir makes a profile directory for Chromium and removes it
// after the test. It is not t.TempDir: Chromium's helper processes may still
// be writing into the profile for a moment after the browser is cancelled, and
// TempDir's cleanup fails the test when the directory is not empty by then.
// browserContext starts headless Chromium at chrome with a fresh profile
// and the flags this machine's closed network needs, and returns a
// chromedp context that ends after timeout; the browser is stopped when
// the test ends.
func browserContext(t *testing.T, chrome string, timeout time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(browserProfileDir(t)))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTimeout)
	return ctx
}

func browserProfileDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "normtag-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("could not remove the Chromium profile %s", dir)
	})
	return dir
}

// waitForURL waits until the page has navigated to a URL containing part;
// queries sent while a navigation is under way fail, so they wait for it.
func waitForURL(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var loc string
		if err := chromedp.Run(ctx, chromedp.Location(&loc)); err == nil && strings.Contains(loc, part) {
			var state string
			if err := chromedp.Run(ctx, chromedp.Evaluate(`document.readyState`, &state)); err == nil && state == "complete" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the page never reached a URL containing %q", part)
}
