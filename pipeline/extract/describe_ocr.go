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
	if c.Langs == "" {
		// The cover is in the language of the text layer, nearly
		// always: read it in that one pack, once, where detection would
		// cost a script pass and, for a document not in the first
		// installed language, a second reading of the whole page (three
		// Tesseract runs instead of one on a French cover).
		if pack := textLayerPack(doc, nil, c.Installed); pack != "" {
			c.Langs = pack
		}
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
	t := sizedTitle(sized, ocrSizes)
	if t == "" {
		t = capsBlock(sized)
	}
	if t != "" && !junkTitle(t, doc.FileName) && !sameWords(t, doc.Title) {
		source := SourceOCR
		if head := fileNameTitle(doc.FileName); startsWithPreposition(t) && head != "" && doc.Meta[corpus.TitleSource] == SourceFileName {
			// What OCR could read completes the name the file is named
			// after ("appel de paris" + "POUR LA CONFIANCE ..."); the
			// name is the file's, so the title is marked as the file
			// name's, for an analyst to check.
			if allCaps(t) {
				head = strings.ToUpper(head)
			}
			t, source = head+" "+t, SourceFileName
		}
		doc.Title, doc.Meta[corpus.TitleSource] = titleCase(t, doc), source
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
		s := textSubmitter(leading)
		if s == "" {
			s = groupIssuer(doc, leading)
		}
		if s != "" {
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

// capsBlock is the first block of lines in capitals at the top of a
// cover read by OCR, up to three lines before the first line in mixed
// case: a banner's legible words, set in capitals no larger than the
// text, under a name drawn as a logotype that OCR cannot read (whose
// strokes read as a letter or two and are passed over).
func capsBlock(lines []pdf.Line) string {
	var block []string
	for _, l := range lines {
		if !wordy(l.Text) {
			if len(block) > 0 {
				break
			}
			continue
		}
		if !allCaps(l.Text) || dateLine(l.Text) || len(block) == 3 {
			break
		}
		block = append(block, l.Text)
	}
	t := tidy(strings.Join(block, " "))
	if len(strings.Fields(t)) < 3 {
		return ""
	}
	return t
}
