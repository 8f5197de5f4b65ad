package extract

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// recognizePages reads by OCR the pages of a PDF that have no text
// layer but an image (or every page, with ocr.Always), and records which
// in doc.Meta. Pages it could not read stay as they were; if that leaves
// the document without text, Bytes reports it as no-text with the
// reason.
func recognizePages(ctx context.Context, doc *corpus.Document, data []byte, opts Options) error {
	c := opts.OCR
	if !c.Ready() {
		return nil
	}
	var blank []int
	for i, p := range doc.Pages {
		if c.Mode == ocr.Always || !pageHasWords(p.Text) {
			blank = append(blank, i+1)
		}
	}
	if len(blank) == 0 {
		return nil
	}
	if c.Langs == "" {
		// The document's text layer, where it has one, says which
		// language its scanned pages are in: no detection pass.
		if pack := textLayerPack(doc, blank, c.Installed); pack != "" {
			c.Langs = pack
		}
	}
	d, err := ocr.Open(ctx, c, data, opts.Password)
	if err != nil {
		return err
	}
	defer d.Close()
	var want []int
	for _, n := range blank {
		// A page of neither text nor images is blank (or drawn in
		// outlines, which OCR of a rendering could read, but which
		// reading every empty page of every file would cost).
		if c.Mode == ocr.Always || d.HasImages(n) {
			want = append(want, n)
		}
	}
	if len(want) == 0 {
		return nil
	}
	if opts.OnOCR != nil {
		opts.OnOCR(len(want))
	}
	res, err := d.Read(ctx, want)
	if err != nil {
		return err
	}
	var done []corpus.OCRPage
	for _, p := range res.Pages {
		if strings.TrimSpace(p.Text) == "" {
			continue // a blank page: nothing to flag
		}
		doc.Pages[p.Number-1] = corpus.Page{Number: p.Number, Text: p.Text}
		done = append(done, corpus.OCRPage{Page: p.Number, Confidence: p.Confidence})
	}
	doc.SetOCR(done, res.Lang)
	if len(res.Missed) > 0 {
		doc.Meta[MetaOCRMissed] = fmt.Sprintf("%d page(s) not recognised; %s", len(res.Missed), res.Problem)
		slog.Debug("pages not recognised", "file", doc.Path, "pages", res.Missed, "problem", res.Problem)
	}
	return nil
}

// textLayerPack is the installed Tesseract pack of the language the
// document's pages with text are in (the pages to read, blank, aside),
// or "" when they are too few or short to tell.
func textLayerPack(doc *corpus.Document, blank []int, installed []string) string {
	code, ok := lang.OfDocument(func(yield func(string) bool) {
		for i, p := range doc.Pages {
			if !slices.Contains(blank, i+1) && !yield(p.Text) {
				return
			}
		}
	})
	if pack := ocr.PackFor(code); ok && slices.Contains(installed, pack) {
		return pack
	}
	return ""
}

// MetaOCRMissed says how many pages without text OCR could not read,
// and why the first could not.
const MetaOCRMissed = "ocr_missed"

// pageHasWords reports whether a page's text layer holds at least one
// letter or digit: a page of only stray marks or spaces is a scan.
func pageHasWords(text string) bool {
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// noTextHint is added to a no-text failure: why no page was recognised.
func noTextHint(doc *corpus.Document, opts Options) string {
	switch c := opts.OCR; {
	case doc.Format != corpus.FormatPDF:
		return ""
	case c.Wanted() && !c.Ready():
		return "; " + ocr.InstallHint
	case !c.Wanted() && c.Mode == ocr.Never:
		return "; OCR is off (--ocr never)"
	case doc.Meta[MetaOCRMissed] != "":
		return "; OCR: " + doc.Meta[MetaOCRMissed]
	case c.Ready():
		return "; OCR found no words"
	}
	return ""
}
