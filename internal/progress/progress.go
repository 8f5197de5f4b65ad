// Package progress reports the advance of a long run: a one-line bar on a
// terminal, JSON lines for scripts, or nothing for cron jobs.
package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Mode selects how progress is shown.
type Mode int

// Modes.
const (
	Quiet Mode = iota // nothing until the end
	Bar               // a bar redrawn in place on a terminal
	Lines             // a plain line every few seconds (not a terminal)
	JSON              // JSON lines: status updates, then the summary
)

// Snapshot is the state of a run at one moment.
type Snapshot struct {
	Type   string `json:"message_type"` // "status"
	Total  int    `json:"total_files"`
	Done   int    `json:"files_done"`
	Failed int    `json:"files_failed"`
	Pages  int    `json:"pages_done"`
	// OCRPages counts the pages among Pages that were read by OCR.
	OCRPages int     `json:"ocr_pages_done"`
	Elapsed  float64 `json:"seconds_elapsed"`
	PagesSec float64 `json:"pages_per_second"`
	ETA      float64 `json:"seconds_remaining"`
	Percent  float64 `json:"percent_done"`
	Current  string  `json:"current_file,omitempty"`
}

// Reporter accumulates counts and renders them at most every interval.
// It is safe for concurrent use.
type Reporter struct {
	mu       sync.Mutex
	w        io.Writer
	mode     Mode
	start    time.Time
	last     time.Time
	interval time.Duration
	snap     Snapshot
	drawn    bool
}

// New returns a reporter writing to w (usually stderr) in mode.
func New(w io.Writer, mode Mode) *Reporter {
	interval := 200 * time.Millisecond
	switch mode {
	case Lines:
		interval = 5 * time.Second
	case JSON:
		interval = time.Second
	}
	return &Reporter{w: w, mode: mode, start: time.Now(), interval: interval, snap: Snapshot{Type: "status"}}
}

// SetTotal sets the number of files expected.
func (r *Reporter) SetTotal(n int) {
	r.mu.Lock()
	r.snap.Total = n
	r.mu.Unlock()
}

// Add records one finished file of pages pages, ocrPages of them read
// by OCR.
func (r *Reporter) Add(path string, pages, ocrPages int, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.snap.Done++
	r.snap.Pages += pages
	r.snap.OCRPages += ocrPages
	r.snap.Current = path
	if failed {
		r.snap.Failed++
	}
	if now := time.Now(); now.Sub(r.last) >= r.interval {
		r.last = now
		r.render(now)
	}
}

// Log prints a message (e.g. a failure) on a line of its own.
func (r *Reporter) Log(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clearBar()
	fmt.Fprintln(r.w, msg)
}

// Write prints p as it is, for a logger writing through the reporter:
// a bar on the screen is cleared first, so that log lines start on a line
// of their own instead of being glued to the bar's end. The bar comes
// back at the next update.
func (r *Reporter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clearBar()
	return r.w.Write(p)
}

// clearBar erases a drawn bar (the bar is the line the cursor is on).
func (r *Reporter) clearBar() {
	if r.mode == Bar && r.drawn {
		fmt.Fprint(r.w, "\r\x1b[K")
		r.drawn = false
	}
}

// Event writes one JSON line (JSON mode only), e.g. an error, between
// status lines.
func (r *Reporter) Event(v any) {
	if r.mode != JSON {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	b, err := json.Marshal(v)
	if err == nil {
		fmt.Fprintf(r.w, "%s\n", b)
	}
}

// Finish draws the final state and ends the bar's line.
func (r *Reporter) Finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.render(time.Now())
	if r.mode == Bar && r.drawn {
		fmt.Fprintln(r.w)
		r.drawn = false
	}
}

func (r *Reporter) fill(now time.Time) {
	s := &r.snap
	s.Elapsed = now.Sub(r.start).Seconds()
	if s.Elapsed > 0 {
		s.PagesSec = float64(s.Pages) / s.Elapsed
	}
	s.ETA = 0
	if s.Done > 0 && s.Total > s.Done {
		s.ETA = s.Elapsed / float64(s.Done) * float64(s.Total-s.Done)
	}
	if s.Total > 0 {
		s.Percent = 100 * float64(s.Done) / float64(s.Total)
	}
}

func (r *Reporter) render(now time.Time) {
	r.fill(now)
	s := r.snap
	switch r.mode {
	case Quiet:
	case JSON:
		b, _ := json.Marshal(s)
		fmt.Fprintf(r.w, "%s\n", b)
	case Lines:
		fmt.Fprintf(r.w, "%d/%d files, %d failed, %.1f pages/s%s, ETA %s\n", s.Done, s.Total, s.Failed, s.PagesSec, ocrNote(s.OCRPages), eta(s.ETA))
	case Bar:
		const width = 30
		filled := 0
		if s.Total > 0 {
			filled = width * s.Done / s.Total
		}
		bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
		fmt.Fprintf(r.w, "\r\x1b[K%s %d/%d files  %.1f pages/s%s  ETA %s  failed %d", bar, s.Done, s.Total, s.PagesSec, ocrNote(s.OCRPages), eta(s.ETA), s.Failed)
		r.drawn = true
	}
}

// ocrNote says how many pages were read by OCR, when any were: they are
// why a run of scans goes slowly.
func ocrNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d by OCR)", n)
}

func eta(sec float64) string {
	if sec <= 0 {
		return "-"
	}
	return (time.Duration(sec) * time.Second).String()
}
