package extract

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/textfold"
	"github.com/normtag/normtag/pipeline/extract/ocr"
	"github.com/normtag/normtag/pipeline/extract/pdf"
)

// SourceOCR marks a title, date or submitter read by OCR from the
// cover's picture, where the text layer does not hold it (a title drawn
// as outlines or an image, a letterhead in a logo): printed in the
// document, but an analyst checks it for misread letters.
const SourceOCR = corpus.SourceOCR

// describeCover reads the first page of a PDF by OCR when describe found
// only a weak title (weak), and takes from it what the text layer could
// not give: the title in the largest type, and a date or submitter that
// describe found nowhere in the text. The page is read only when it may
// hold what the text layer lacks: it has an image, or its text layer is
// at most a few lines. Without the OCR tools, or when recognition fails,
// the document keeps what describe gave it; a failure is logged at
// debug level, as it costs nothing but the better title.
func describeCover(ctx context.Context, doc *corpus.Document, data []byte, cover []pdf.Line, fileDate string, opts Options, now time.Time) {
	c := opts.OCR
	if !c.Ready() || len(doc.Pages) == 0 {
		return
	}
	if _, scanned := doc.OCRPages()[1]; scanned {
		// The first page is a scan already read by OCR: its words are
		// the text describe looked at, and reading it again would double
		// the cost of every scanned document.
		return
	}
	d, err := ocr.Open(ctx, c, data, opts.Password)
	if err != nil {
		slog.Debug("cover not read by OCR", "file", doc.Path, "err", err)
		return
	}
	defer d.Close()
	if !d.HasImages(1) && !plainCover(cover) && pageHasWords(doc.Pages[0].Text) {
		return // a page of text and nothing else: OCR would read the same
	}
	if opts.OnOCR != nil {
		opts.OnOCR(1)
	}
	lines, err := d.Lines(ctx, 1)
	if err != nil {
		slog.Debug("cover not read by OCR", "file", doc.Path, "err", err)
		return
	}
	applyCover(doc, lines, fileDate, now)
}

// applyCover takes a title, date and submitter from the lines of a
// cover read by OCR, as describe takes them from text: the title in the
// largest type replaces a weak one, and a date or submitter is taken
// when the text gave none. A title the text layer already gave keeps its
// source.
func applyCover(doc *corpus.Document, lines []ocr.Line, fileDate string, now time.Time) {
	sized := make([]pdf.Line, 0, len(lines))
	leading := make([]textLine, 0, len(lines))
	for _, l := range lines {
		sized = append(sized, pdf.Line{Text: l.Text, Size: l.Height})
		leading = append(leading, textLine{text: l.Text, page: 1})
	}
	if t := sizedTitle(sized, ocrSizes); t != "" && !junkTitle(t, doc.FileName) {
		if !sameWords(t, doc.Title) {
			doc.Title, doc.Meta[corpus.TitleSource] = t, SourceOCR
		}
	}
	if doc.Meta[corpus.DateSource] != SourceText {
		if d, fromText := documentDate(leading, fileDate, now); fromText && d != "" {
			doc.Meta["date"], doc.Meta[corpus.DateSource] = d, SourceOCR
			if fileDate != "" && fileDate != d {
				doc.Meta["file_date"] = fileDate
			}
		}
	}
	if doc.Meta[corpus.SubmitterSource] != SourceText {
		if s := textSubmitter(leading); s != "" {
			doc.Meta["submitter"], doc.Meta[corpus.SubmitterSource] = s, SourceOCR
		}
	}
}

// sameWords reports whether two texts have the same words once case,
// accents and punctuation are set aside.
func sameWords(a, b string) bool {
	words := func(s string) string {
		return strings.Join(strings.FieldsFunc(textfold.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
	}
	return words(a) == words(b)
}
