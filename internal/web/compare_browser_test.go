package web

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// keepShot saves a screenshot in the artefact directory (artefactDir).
func keepShot(t *testing.T, dir, name string, shot []byte) {
	t.Helper()
	if len(shot) < 1000 {
		t.Errorf("screenshot %s is empty", name)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
}

// TestBrowserCompareAndTimeline drives the compare page in headless
// Chromium: sort the matrix by a norm, open a cell and find as many
// passages on the search page as the cell counts, then draw the timeline
// and follow one of its points.
func TestBrowserCompareAndTimeline(t *testing.T) {
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (.ci/run installs Debian's chromium)")
	}
	ts, _ := sampleServer(t)
	ctx := browserContext(t, chrome, 90*time.Second)
	dir := artefactDir(t)

	// The matrix as one list, then sorted by (g): a click on its heading.
	var shot []byte
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(ts.URL+"/compare?group=none"),
		chromedp.WaitVisible("#matrix", chromedp.ByID),
		chromedp.Click(`//table[@id="matrix"]//th/a[text()="(g)"]`, chromedp.BySearch),
	); err != nil {
		t.Fatal(err)
	}
	waitForURL(t, ctx, "sort=g")
	var shares []string
	var names []string
	if err := chromedp.Run(ctx,
		chromedp.WaitVisible("#matrix", chromedp.ByID),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#matrix tr.row")).map(r => r.querySelectorAll("td.cell")[6].dataset.share)`, &shares),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#matrix tr.row")).map(r => r.querySelectorAll("th.label")[1].textContent)`, &names),
		chromedp.FullScreenshot(&shot, 100),
	); err != nil {
		t.Fatal(err)
	}
	keepShot(t, dir, "compare-sorted-by-g.png", shot)
	if len(shares) != 5 {
		t.Fatalf("rows: %q", shares)
	}
	for i := 1; i < len(shares); i++ {
		a, _ := strconv.ParseFloat(shares[i-1], 64)
		b, _ := strconv.ParseFloat(shares[i], 64)
		if a < b {
			t.Errorf("sorted by (g): share %v before %v (%q)", a, b, names)
		}
	}
	first, _ := strconv.ParseFloat(shares[0], 64)
	if first == 0 {
		t.Fatalf("no submitter argues (g): %q", shares)
	}

	// Open the top row's (g) cell: the search page lists as many passages.
	var cellCount, title string
	if err := chromedp.Run(ctx,
		chromedp.AttributeValue(`#matrix tr.row td.cell:nth-of-type(8)`, "data-count", &cellCount, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`#matrix tr.row td.cell:nth-of-type(8)`, "title", &title, nil, chromedp.ByQuery),
		chromedp.Click(`#matrix tr.row td.cell:nth-of-type(8) a`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(title, "(g) ") || !strings.Contains(title, cellCount+" of ") {
		t.Errorf("cell title %q does not give its count %s", title, cellCount)
	}
	waitForURL(t, ctx, "norm=g")
	var total string
	if err := chromedp.Run(ctx,
		chromedp.WaitVisible("#total", chromedp.ByID),
		chromedp.Text("#total", &total, chromedp.ByID),
		chromedp.FullScreenshot(&shot, 100),
	); err != nil {
		t.Fatal(err)
	}
	keepShot(t, dir, "compare-cell-opened.png", shot)
	if got := regexp.MustCompile(`\d+`).FindString(total); got != cellCount || got == "" {
		t.Errorf("the cell counts %s passages, the search page shows %q", cellCount, total)
	}

	// The timeline: an SVG chart whose points link to their passages.
	var points int
	var href, pointCount string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/timeline"),
		chromedp.WaitVisible("#timeline", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll("#timeline a circle.point").length`, &points),
		chromedp.Evaluate(`(() => { const c = Array.from(document.querySelectorAll("#timeline a circle.point")).find(c => c.dataset.count > 0); return c.parentNode.getAttribute("href") })()`, &href),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#timeline a circle.point")).find(c => c.dataset.count > 0).dataset.count`, &pointCount),
		chromedp.FullScreenshot(&shot, 100),
	); err != nil {
		t.Fatal(err)
	}
	keepShot(t, dir, "timeline.png", shot)
	if points < 4 || !strings.Contains(href, "year%3A") {
		t.Fatalf("timeline: %d linked points, first link %q", points, href)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+href)); err != nil {
		t.Fatal(err)
	}
	waitForURL(t, ctx, "year")
	if err := chromedp.Run(ctx, chromedp.WaitVisible("#total", chromedp.ByID), chromedp.Text("#total", &total, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	if got := regexp.MustCompile(`\d+`).FindString(total); got != pointCount {
		t.Errorf("the point counts %s passages, its search shows %q", pointCount, total)
	}

	// The coverage heatmap, counts shown: one row per document, its title
	// linking to it, with submitter and date beside.
	var rows int
	var firstRow string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/coverage?view=counts&sort=date&order=desc"),
		chromedp.WaitVisible("#matrix", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll("#matrix tr.row").length`, &rows),
		chromedp.Text("#matrix tr.row", &firstRow, chromedp.ByQuery),
		chromedp.FullScreenshot(&shot, 100),
	); err != nil {
		t.Fatal(err)
	}
	keepShot(t, dir, "coverage-counts.png", shot)
	if rows != 5 || !strings.Contains(firstRow, "2024-02-20") || !strings.Contains(firstRow, "Digital Rights Watchers") {
		t.Errorf("coverage: %d rows, the latest first: %q", rows, firstRow)
	}
}
