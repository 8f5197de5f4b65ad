// Package ocr reads PDF pages that have no text layer — scanned letters,
// notes verbales printed to images — by rasterising them with poppler's
// pdftoppm and recognising their words with Tesseract, both run as child
// processes under a time limit per page and per document. It runs where
// extraction runs: in the isolated extraction child, whose process group
// takes the tools down with it when it is killed.
package ocr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/normtag/normtag/internal/lang"
)

// Mode says which pages are recognised.
type Mode string

// Modes of --ocr.
const (
	// Auto recognises the pages that have no text layer.
	Auto Mode = "auto"
	// Never leaves pages without text empty (a document of such pages
	// only fails as no-text).
	Never Mode = "never"
	// Always recognises every page, replacing its text layer: for PDFs
	// whose text layer is garbage (a bad earlier OCR, broken fonts).
	Always Mode = "always"
)

// ParseMode returns the Mode named s.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Auto, Never, Always:
		return m, nil
	}
	return "", fmt.Errorf("unknown OCR mode %q (modes: auto, never, always)", s)
}

// Languages are the Tesseract language packs normtag looks for, one per
// UN official language, in the order a default prefers them.
var Languages = []string{"eng", "fra", "spa", "ara", "rus", "chi_sim"}

// PackFor returns the pack of Languages that reads a language of
// lang.Languages ("fr": "fra"), or "" when there is none.
func PackFor(code string) string {
	if i := lang.Index(code); i >= 0 && i < len(Languages) {
		return Languages[i]
	}
	return ""
}

// Defaults for the time limits.
const (
	DefaultPageTimeout     = 2 * time.Minute
	DefaultDocumentTimeout = 20 * time.Minute
	// DefaultDPI is the rendering resolution of a page that holds no
	// image to take its resolution from.
	DefaultDPI = 300
)

// InstallHint is what to do when a document has pages without text and
// Tesseract is missing; said once per document, never per page.
const InstallHint = "install Tesseract and poppler to read scanned pages (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-ara tesseract-ocr-rus tesseract-ocr-chi-sim poppler-utils)"

// Config is what extraction needs to recognise pages. The parent process
// finds the tools and language packs once (Find) and passes the Config to
// every extraction child, so children never search PATH themselves.
type Config struct {
	Mode Mode
	// Tesseract, Pdftoppm and Pdfimages are the tools' paths; empty when
	// not installed (Pdfimages is optional: without it pages render at
	// DefaultDPI).
	Tesseract, Pdftoppm, Pdfimages string
	// Langs is the language setting passed to Tesseract ("fra",
	// "eng+fra"); empty to detect each document's language from its first
	// recognised page among Installed.
	Langs string
	// Installed are the packs of Languages that Tesseract has, and
	// whether its script detection (osd) is installed.
	Installed []string
	OSD       bool
	// PageTimeout and DocumentTimeout bound the recognition of one page
	// and of all the pages of one document, wall clock.
	PageTimeout, DocumentTimeout time.Duration
}

// Ready reports whether pages can be recognised: OCR is not turned off
// and the tools are there.
func (c Config) Ready() bool {
	return c.Mode != Never && c.Mode != "" && c.Tesseract != "" && c.Pdftoppm != "" && (c.Langs != "" || len(c.Installed) > 0)
}

// Wanted reports whether pages without text should be recognised: true
// unless OCR is turned off. A wanted but not Ready config means the
// tools are missing, which the caller reports with InstallHint.
func (c Config) Wanted() bool { return c.Mode == Auto || c.Mode == Always }

// ErrNoTesseract is returned by Find when --ocr always is asked for and
// Tesseract or pdftoppm is not installed.
var ErrNoTesseract = errors.New("tesseract or pdftoppm not found")

// Find looks up the tools and language packs for mode. langs is the
// user's --ocr-lang ("" to detect per document); each of its packs must
// be installed. Without the tools, Auto gives a Config that is not Ready
// (documents of scanned pages then fail as no-text with InstallHint) and
// Always fails with ErrNoTesseract.
func Find(ctx context.Context, mode Mode, langs string) (Config, error) {
	c := Config{Mode: mode, Langs: langs, PageTimeout: DefaultPageTimeout, DocumentTimeout: DefaultDocumentTimeout}
	if mode == Never {
		return c, nil
	}
	c.Tesseract, _ = exec.LookPath("tesseract")
	c.Pdftoppm, _ = exec.LookPath("pdftoppm")
	c.Pdfimages, _ = exec.LookPath("pdfimages")
	if c.Tesseract == "" || c.Pdftoppm == "" {
		c.Tesseract, c.Pdftoppm = "", ""
		if mode == Always {
			return c, fmt.Errorf("--ocr always: %w; %s", ErrNoTesseract, InstallHint)
		}
		return c, nil
	}
	have, err := listLangs(ctx, c.Tesseract)
	if err != nil {
		return c, err
	}
	for _, l := range Languages {
		if have[l] {
			c.Installed = append(c.Installed, l)
		}
	}
	c.OSD = have["osd"]
	if langs != "" {
		for _, l := range strings.Split(langs, "+") {
			if !have[l] {
				return c, fmt.Errorf("--ocr-lang %s: Tesseract has no %q language pack (installed: %s)", langs, l, strings.Join(sortedKeys(have), ", "))
			}
		}
	} else if len(c.Installed) == 0 {
		return c, fmt.Errorf("tesseract has none of the language packs %s; %s", strings.Join(Languages, ", "), InstallHint)
	}
	return c, nil
}

// listLangs asks Tesseract which language packs it has.
func listLangs(ctx context.Context, tesseract string) (map[string]bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, tesseract, "--list-langs").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list-langs: %w", tesseract, err)
	}
	have := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.Contains(l, " ") {
			have[l] = true
		}
	}
	return have, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
