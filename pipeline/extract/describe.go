package extract

import (
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lazyregexp"
	"github.com/normtag/normtag/internal/textcut"
	"github.com/normtag/normtag/pipeline/extract/pdf"
)

// Where a title, date or submitter came from, recorded in Document.Meta
// under corpus.TitleSource, corpus.DateSource and corpus.SubmitterSource.
// An analyst checks a "file" value against the document: it is what the
// software that made the file wrote, not what the document says.
const (
	SourceText     = corpus.SourceText     // printed in the document
	SourceFile     = corpus.SourceFile     // the file's own properties
	SourceFileName = corpus.SourceFileName // the file's name
)

// describe settles the document's title, date and submitter from what
// the document prints first and what the file declares, recording where
// each came from. fileTitle is the title the file declares; cover holds
// the lines of a PDF's first page with text, with their type sizes. It
// reports whether the title is weak: taken from the file's name or the
// first words of the text, or from a cover of a few lines all in body
// type, where the real title may be drawn rather than written
// (describeCover reads such a cover by OCR).
func describe(doc *corpus.Document, fileTitle string, cover []pdf.Line, fileDate string, now time.Time) (weak bool) {
	lines := leadingLines(doc.Pages, 3, 200)
	switch {
	case !junkTitle(fileTitle, doc.FileName):
		doc.Title, doc.Meta[corpus.TitleSource] = tidy(fileTitle), SourceFile
	default:
		if t := coverTitle(cover); t != "" {
			doc.Title, doc.Meta[corpus.TitleSource] = t, SourceText
			weak = plainCover(cover)
		} else if t := firstHeading(doc); t != "" && !junkTitle(t, doc.FileName) {
			doc.Title, doc.Meta[corpus.TitleSource] = t, SourceText
		} else if t := titleLine(doc); t != "" && !junkTitle(t, doc.FileName) {
			doc.Title, doc.Meta[corpus.TitleSource] = t, SourceText
		} else if t := fileNameTitle(doc.FileName); t != "" {
			doc.Title, doc.Meta[corpus.TitleSource] = t, SourceFileName
			weak = true
		} else {
			doc.Title, doc.Meta[corpus.TitleSource] = fallbackTitle(doc), SourceText
			weak = true
		}
	}
	if doc.Meta[corpus.TitleSource] == SourceText {
		doc.Title = titleCase(doc.Title, doc)
	}
	delete(doc.Meta, "date")
	if d, fromText := documentDate(lines, fileDate, now); d != "" {
		doc.Meta["date"], doc.Meta[corpus.DateSource] = d, SourceFile
		if fromText {
			doc.Meta[corpus.DateSource] = SourceText
			if fileDate != "" && fileDate != d {
				// kept so that an analyst can see what the text overrode
				doc.Meta["file_date"] = fileDate
			}
		}
	}
	if s := textSubmitter(lines); s != "" {
		doc.Meta["submitter"], doc.Meta[corpus.SubmitterSource] = s, SourceText
	} else if s := groupIssuer(doc, lines); s != "" {
		doc.Meta["submitter"], doc.Meta[corpus.SubmitterSource] = s, SourceText
	} else if a := doc.Meta["author"]; a != "" {
		if madeTheFile(a, doc) {
			// Kept for an analyst, but no submitter: a wrong one is worse
			// than none, as searches and reports select by it.
			doc.Meta["file_author"] = a
			delete(doc.Meta, "author")
		} else {
			doc.Meta[corpus.SubmitterSource] = SourceFile
		}
	}
	return weak
}

// tidy folds white space.
func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }

// textLine is one line of the leading text and the page it is on.
type textLine struct {
	text string
	page int
}

// leadingLines returns the non-blank lines of the first pages, at most
// max of them.
func leadingLines(pages []corpus.Page, nPages, max int) []textLine {
	var out []textLine
	for i, p := range pages {
		if i >= nPages {
			break
		}
		for _, l := range strings.Split(p.Text, "\n") {
			if l = tidy(l); l != "" {
				out = append(out, textLine{text: l, page: p.Number})
				if len(out) >= max {
					return out
				}
			}
		}
	}
	return out
}

// producerTitles are titles that producers write, not authors.
var producerTitles = lazyregexp.New(`(?i)^(untitled|sans titre|sin título|document\d*|doc\d*|slide \d+|powerpoint presentation|presentation|enscript output|microsoft (word|powerpoint|excel) - .*|title|titre|draft|new document|adobe acrobat.*|\S+\.(docx?|pdf|pptx?|odt|rtf|txt|html?|indd|qxd))$`)

// sectionNames are headings that name a part of a document, not the
// document.
var sectionNames = lazyregexp.New(`(?i)^(executive summary|summary|abstract|contents|table of contents|introduction|foreword|preface|acknowledg(e)?ments|résumé|sommaire|table des matières|resumen|índice|page \d+( (/|of) \d+)?)$`)

// junkTitle reports a title that is not one: empty, a word or two, the
// file's own name, producer boilerplate or a section name.
func junkTitle(t, fileName string) bool {
	t = tidy(t)
	if t == "" || producerTitles().MatchString(t) || sectionNames().MatchString(t) {
		return true
	}
	if len(strings.Fields(t)) < 3 {
		return true
	}
	base := strings.TrimSuffix(fileName, filepath.Ext(fileName))
	if strings.EqualFold(t, base) || strings.EqualFold(t, fileName) {
		return true
	}
	letters := 0
	for _, r := range t {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters < 6
}

// typeSizes says how alike two type sizes must be to count as one: the
// sizes a PDF's text layer gives are exact, those measured on an OCR'd
// page (word boxes, with or without ascenders) are not.
type typeSizes struct {
	// largest is the share of the largest size a title line reaches;
	// same the ratio of the smaller to the larger of two sizes that are
	// the same.
	largest, same float64
}

// Type sizes of a text layer and of an OCR'd page.
var (
	textSizes = typeSizes{largest: 0.95, same: 0.999}
	ocrSizes  = typeSizes{largest: 0.75, same: 0.8}
)

func (ts typeSizes) alike(a, b float64) bool { return min(a, b) >= ts.same*max(a, b) }

// coverTitle is the largest type of a PDF's first page with text: the
// lines at that size where they first appear, joined when the title
// wraps over two or three lines, and followed by its subtitle when the
// title ends in a colon or is a word or two ("PARIS CALL" over "for
// trust and security in cyberspace"). On a cover with a few lines all in
// one size, it is the first block of them.
func coverTitle(cover []pdf.Line) string { return sizedTitle(cover, textSizes) }

// plainCover reports a cover of a few lines all in about the body's
// type: what is left of a cover whose title is drawn (outlines, an
// image) once the drawing is set aside.
func plainCover(cover []pdf.Line) bool {
	var sizes []float64
	for _, l := range cover {
		if wordy(l.Text) {
			sizes = append(sizes, l.Size)
		}
	}
	if len(sizes) == 0 || len(sizes) > 8 {
		return false
	}
	return slices.Max(sizes) < 1.2*slices.Min(sizes)
}

// sizedTitle is coverTitle with sizes compared as ts says.
func sizedTitle(cover []pdf.Line, ts typeSizes) string {
	var lines []pdf.Line
	for _, l := range cover {
		if wordy(l.Text) && !sectionNames().MatchString(l.Text) {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	// The body size is the size most of the text is set in.
	chars := map[float64]int{}
	largest := 0.0
	for _, l := range lines {
		chars[l.Size] += len(l.Text)
		largest = max(largest, l.Size)
	}
	body, most := 0.0, -1
	for size, n := range chars {
		if n > most || n == most && size < body {
			body, most = size, n
		}
	}
	if largest < 1.2*body && len(lines) > 8 {
		return "" // a page of body text: no title on it
	}
	// The first lines in the largest type (a cover of a few lines in one
	// size: its first block), up to a date line.
	big := func(l pdf.Line) bool { return l.Size >= ts.largest*largest && !dateLine(l.Text) }
	i := 0
	for i < len(lines) && !big(lines[i]) {
		i++
	}
	if i == len(lines) {
		return ""
	}
	// A title set well above the body size may wrap over four or five
	// lines on a narrow page (a long report title in 21 pt); on a cover
	// of lines all in one size, more than three would be the text after
	// the title.
	maxLines := 3
	if largest >= 1.2*body {
		maxLines = 5
	}
	title, i := run(lines, i, maxLines, big)
	// A title of a word or two continues into a subtitle only when that
	// is set apart from the body, in a type of its own.
	short := len(strings.Fields(strings.Join(title, " "))) < 3 && i < len(lines) && !ts.alike(lines[i].Size, body)
	if (strings.HasSuffix(title[len(title)-1], ":") || short) && i < len(lines) {
		size := lines[i].Size
		var sub []string
		sub, i = run(lines, i, 3, func(l pdf.Line) bool { return ts.alike(l.Size, size) && !dateLine(l.Text) })
		title = append(title, sub...)
	}
	t := tidy(strings.Join(title, " "))
	if own := groupTitle(lines, i, ts); own != "" {
		t = own
	}
	if junkTitle(t, "") {
		return ""
	}
	return textcut.Abbreviate(t, 300)
}

// run collects up to most consecutive lines from i that satisfy keep.
func run(lines []pdf.Line, i, most int, keep func(pdf.Line) bool) ([]string, int) {
	var out []string
	for ; i < len(lines) && keep(lines[i]) && len(out) < most; i++ {
		out = append(out, lines[i].Text)
	}
	if len(out) == 0 && i < len(lines) {
		return []string{lines[i].Text}, i + 1
	}
	return out, i
}

// wordy reports a line with a word of three letters or more: not a page
// number or a lone symbol.
func wordy(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
			if n >= 3 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}

// firstHeading is the first heading the file marks as one (DOCX styles,
// HTML h1-h6, Markdown #), if any.
// A heading split over consecutive paragraphs of the same level (two
// Title-styled lines) is joined, up to three.
func firstHeading(doc *corpus.Document) string {
	for _, p := range doc.Pages {
		for i, h := range p.Headings {
			if !validSpan(h, p.Text) {
				continue
			}
			parts := []string{p.Text[h.Start:h.End]}
			end := h.End
			for _, next := range p.Headings[i+1:] {
				if len(parts) == 3 || !validSpan(next, p.Text) || next.Level != h.Level || next.Start < end ||
					strings.TrimSpace(p.Text[end:next.Start]) != "" {
					break
				}
				parts = append(parts, p.Text[next.Start:next.End])
				end = next.End
			}
			return textcut.Abbreviate(tidy(strings.Join(parts, " ")), 300)
		}
	}
	return ""
}

func validSpan(h corpus.Span, text string) bool {
	return h.Start >= 0 && h.End <= len(text) && h.Start < h.End
}

// titleLine is the document's first paragraph when it stands alone as a
// title does: a line, or a title wrapped over up to four lines of a text
// file, of at most 25 words and not a sentence.
func titleLine(doc *corpus.Document) string {
	if len(doc.Pages) == 0 {
		return ""
	}
	text := strings.TrimLeft(doc.Pages[0].Text, " \t\r\n\ufeff")
	var para []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "" {
			break
		}
		if para = append(para, l); len(para) > 4 {
			return "" // a paragraph of prose
		}
	}
	first := tidy(strings.Join(para, " "))
	if n := len(strings.Fields(first)); n > 25 || strings.HasSuffix(first, ".") {
		return ""
	}
	return first
}

// fileNameTitle is the file name without extension, with separators as
// spaces, when it has at least two words: "paris-call.pdf" is "paris
// call", "PWGR5-8-11-21.pdf" is nothing.
func fileNameTitle(name string) string {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	t := tidy(strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r == '+' {
			return ' '
		}
		return r
	}, base))
	words := 0
	for _, w := range strings.Fields(t) {
		if wordy(w) && strings.IndexFunc(w, unicode.IsDigit) < 0 {
			words++
		}
	}
	if words < 2 {
		return ""
	}
	return t
}

// dateTables returns the month names and patterns of the dates printed
// in a document: day month year, month day year, month year and ISO
// dates, in English, French and Spanish. They are built on first use.
var dateTables = sync.OnceValues(buildDateTables)

// buildDateTables builds the month names and the date patterns.
func buildDateTables() (map[string]time.Month, []dateForm) {
	monthNumbers := map[string]time.Month{}
	names := [][]string{
		{"january", "jan", "janvier", "janv", "enero", "ene"},
		{"february", "feb", "février", "fevrier", "févr", "febrero"},
		{"march", "mar", "mars", "marzo"},
		{"april", "apr", "avril", "avr", "abril", "abr"},
		{"may", "mai", "mayo"},
		{"june", "jun", "juin", "junio"},
		{"july", "jul", "juillet", "juil", "julio"},
		{"august", "aug", "août", "aout", "agosto", "ago"},
		{"september", "sep", "sept", "septembre", "septiembre", "setiembre"},
		{"october", "oct", "octobre", "octubre"},
		{"november", "nov", "novembre", "noviembre"},
		{"december", "dec", "décembre", "decembre", "diciembre", "dic"},
	}
	var all []string
	for i, ns := range names {
		for _, n := range ns {
			monthNumbers[n] = time.Month(i + 1)
			all = append(all, regexp.QuoteMeta(n))
		}
	}
	// Longest first, so that "sept" is not read as "sep".
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	monthPattern := `(` + strings.Join(all, "|") + `)\.?`
	return monthNumbers, []dateForm{
		{regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`), 1, 2, 3, true},
		{regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th|er|º|°)?(?:\s+(?:of|de))?\s+` + monthPattern + `(?:\s+(?:de|del))?\s*,?\s+(\d{4})\b`), 3, 2, 1, false},
		{regexp.MustCompile(`(?i)\b` + monthPattern + `\s+(\d{1,2})(?:st|nd|rd|th)?\s*,\s*(\d{4})\b`), 3, 1, 2, false},
		{regexp.MustCompile(`(?i)\b` + monthPattern + `\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})\b`), 3, 1, 2, false},
		{regexp.MustCompile(`(?i)\b` + monthPattern + `(?:\s+(?:de|del))?\s*,?\s+(\d{4})\b`), 2, 1, 0, false},
	}
}

// dateForm is a pattern and the groups of its year, month and day (0:
// absent).
type dateForm struct {
	re               *regexp.Regexp
	year, month, day int
	numeric          bool // the month is a number
}

// yearAlone is a short line ending in a year ("Working Group 6 - 2021").
var yearAlone = lazyregexp.New(`(?:^|[–—\-,|/(]\s*)((?:19|20)\d{2})\)?$`)

// notADateline marks lines whose dates are not the document's: links,
// references, and dates that an event or period is placed in.
var notADateline = lazyregexp.New(`(?i)https?:|www\.|://|\bretrieved\b|\baccessed\b|\bconsult[ée]\b|\bconsultado\b|^\[\d+\]|^\d+\s*[.)]?\s*[A-Z][^,]*,\s*[“"]`)

// leadIn are words that place an event at a date, not date a document.
var leadIn = lazyregexp.New(`(?i)\b(in|since|by|until|till|from|before|after|during|between|of|en|depuis|avant|après|jusqu'au|desde|hasta|durante|antes|después)\s*$`)

// textDate is a date found in a line with where it starts.
type textDate struct {
	value   string // YYYY-MM-DD, YYYY-MM or YYYY
	t       time.Time
	at, end int // byte range in the line
}

// datesIn returns the dates written in line, leftmost first.
func datesIn(line string) []textDate {
	if !hasYear(line) {
		return nil // every date form has a four-digit year
	}
	var out []textDate
	taken := make([]bool, len(line)+1)
	_, forms := dateTables()
	for _, f := range forms {
		for _, m := range f.re.FindAllStringSubmatchIndex(line, -1) {
			if taken[m[0]] {
				continue
			}
			group := func(g int) string {
				if g == 0 || m[2*g] < 0 {
					return ""
				}
				return line[m[2*g]:m[2*g+1]]
			}
			d, ok := makeDate(group(f.year), group(f.month), group(f.day), f.numeric)
			// A match that is no date ("31 February 2020") is not read
			// again by a looser form as "February 2020".
			for i := m[0]; i < m[1]; i++ {
				taken[i] = true
			}
			if !ok {
				continue
			}
			d.at, d.end = m[0], m[1]
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at < out[j].at })
	return out
}

// hasYear reports whether line has four ASCII digits in a row, which
// every form in dateForms needs: most lines have none, and running the
// five expressions over them cost a twentieth of an ingest.
func hasYear(line string) bool {
	run := 0
	for i := 0; i < len(line); i++ {
		if line[i] >= '0' && line[i] <= '9' {
			if run++; run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// makeDate builds a date from its parts; English month names must be
// capitalised ("may" and "march" are words too).
func makeDate(y, mon, day string, numericMonth bool) (textDate, bool) {
	year := atoi(y)
	if year < 1945 || year > 2100 {
		return textDate{}, false
	}
	var month time.Month
	if numericMonth {
		month = time.Month(atoi(mon))
	} else {
		key := strings.ToLower(strings.TrimSuffix(mon, "."))
		monthNumbers, _ := dateTables()
		month = monthNumbers[key]
		if englishMonth(key) && !unicode.IsUpper([]rune(mon)[0]) {
			return textDate{}, false
		}
	}
	if month < 1 || month > 12 {
		return textDate{}, false
	}
	if day == "" {
		t := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
		return textDate{value: t.Format("2006-01"), t: t}, true
	}
	d := atoi(day)
	t := time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Day() != d {
		return textDate{}, false
	}
	return textDate{value: t.Format("2006-01-02"), t: t}, true
}

func englishMonth(m string) bool {
	switch m {
	case "may", "mar", "march", "jan", "jun", "june", "july", "jul", "aug", "august", "april", "apr", "sep", "sept", "oct", "nov", "dec":
		return true
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1e6 {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// dateLine reports a line that is a date and little else.
func dateLine(s string) bool {
	for _, d := range datesIn(s) {
		if len(strings.Fields(s)) <= 5 && d.at < 12 {
			return true
		}
	}
	return false
}

// documentDate picks the document's date: the first date printed on its
// own line or a dateline ("Geneva, 3 March 2020") in the leading lines,
// not in a link or reference, not introduced as the date of an event
// ("in November 2018") and not long after the file was made; a year
// alone on a short line (a running header) yields to a file date of the
// same year. Failing that, the file's date. fromText says which.
func documentDate(lines []textLine, fileDate string, now time.Time) (string, bool) {
	limit := now.AddDate(0, 0, 1)
	if ft, ok := parseISO(fileDate); ok {
		// A document is dated when it is finished, which may be some
		// weeks after the file was first made; not years.
		limit = minTime(limit, ft.AddDate(0, 4, 0))
	}
	yearOnly := ""
	for _, l := range lines {
		// Every date below has its year in four figures: a line without
		// four figures in a row is passed over before the regular
		// expressions, which cost a twentieth of all extraction did.
		if !hasYear(l.text) || notADateline().MatchString(l.text) {
			continue
		}
		for _, d := range datesIn(l.text) {
			if d.t.After(limit) || leadIn().MatchString(l.text[:d.at]) {
				continue
			}
			if datesLine(l.text, d) {
				return d.value, true
			}
		}
		if d, ok := figuresDate(l.text, fileDate); ok && !d.After(limit) {
			return d.Format("2006-01-02"), true
		}
		if yearOnly == "" && len(strings.Fields(l.text)) <= 8 && !startsLower(l.text) {
			if m := yearAlone().FindStringSubmatch(l.text); m != nil && atoi(m[1]) <= limit.Year() {
				yearOnly = m[1]
			}
		}
	}
	if yearOnly != "" && !strings.HasPrefix(fileDate, yearOnly) {
		return yearOnly, true
	}
	return fileDate, false
}

// figuresLine is a line that is a date in figures and nothing else, as
// a cover or a logo sets one: "12 · 11 · 2018", "12.11.2018",
// "11/12/2018".
var figuresLine = lazyregexp.New(`^(\d{1,2})\s*([·•./-])\s*(\d{1,2})\s*([·•./-])\s*((?:19|20)\d{2})$`)

// figuresDate reads a line that is a date in figures. Whether the day
// or the month comes first depends on the country: where both readings
// are dates, the one nearer the file's date is taken, and only within
// a year of it (a logo may print the date of the event it belongs to,
// years before the report it is on); without a file date, only a date
// that reads one way (a day past 12) is taken.
func figuresDate(line, fileDate string) (time.Time, bool) {
	m := figuresLine().FindStringSubmatch(line)
	if m == nil || m[2] != m[4] {
		return time.Time{}, false
	}
	a, b, year := atoi(m[1]), atoi(m[3]), atoi(m[5])
	var readings []time.Time
	for _, dm := range [][2]int{{a, b}, {b, a}} {
		day, month := dm[0], dm[1]
		if month < 1 || month > 12 || day < 1 {
			continue
		}
		t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
		if t.Day() == day && !slices.Contains(readings, t) {
			readings = append(readings, t)
		}
	}
	ft, dated := parseISO(fileDate)
	if !dated {
		if len(readings) == 1 {
			return readings[0], true
		}
		return time.Time{}, false
	}
	var best time.Time
	for _, t := range readings {
		if best.IsZero() || absDuration(t.Sub(ft)) < absDuration(best.Sub(ft)) {
			best = t
		}
	}
	if best.IsZero() || absDuration(best.Sub(ft)) > 365*24*time.Hour {
		return time.Time{}, false
	}
	return best, true
}

func absDuration(d time.Duration) time.Duration { return max(d, -d) }

// separated matches the end of a name that a dateline separates from
// its date: "Paris, ", "Ministry of Foreign Affairs — ".
var separated = lazyregexp.New(`[\p{L}\p{N}.)]\s*(?:,|[–—|]|\s-)\s*$`)

// datesLine reports whether d, found in line, dates the document: the
// line opens with it, or it ends a short line after a few words ("Paris,
// le 12 novembre 2018") or after a name and a separator.
func datesLine(line string, d textDate) bool {
	before := line[:d.at]
	words := len(strings.Fields(before))
	if words == 0 {
		return true
	}
	if strings.TrimRight(line[d.end:], " .;)") != "" || len(strings.Fields(line)) > 14 {
		return false
	}
	if startsLower(line) && words > 1 {
		return false // the end of a sentence that began on the line above
	}
	return words <= 4 || separated().MatchString(before)
}

func startsLower(s string) bool {
	for _, r := range s {
		return unicode.IsLower(r)
	}
	return false
}

func parseISO(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// submittedBy are the words that introduce a document's submitter at the
// start of a line: "Submission by X", "Statement by the Delegation of X",
// "Contribution de X", "Presentado por X", "A study by X on ...".
var submittedBy = lazyregexp.New(`(?i)^(?:(?:a|an|the|la|le|el|une?)\s+)?(?:joint\s+)?(?:(?:submission|statement|contribution|comments|input|response|position paper|paper|study|report|remarks|views|proposal|written submission)\s+(?:submitted\s+)?(?:by|from|of)|submitted by|prepared by|presented by|contribution (?:de|du|des)|déclaration (?:de|du|des)|commentaires (?:de|du|des)|soumis par|présenté par|présentée par|contribución (?:de|del)|declaración (?:de|del)|comentarios (?:de|del)|presentado por|presentada por)\s+(.+)$`)

// submitterEnd cuts what follows a submitter's name on its line.
var submitterEnd = lazyregexp.New(`(?i)\s+(?:on|to|for|at|regarding|concerning|in response to|sur|pour|à|au|aux|concernant|sobre|para|en|relativ[eo]s?)\s|[,;:(\[]|\s[–—-]\s`)

// dashSeparator separates a letterhead from what follows on its line.
var dashSeparator = lazyregexp.New(`\s[–—|-]\s`)

// letterhead matches a line that names a government body at the head of
// a document.
var letterhead = lazyregexp.New(`^(?:Permanent Mission of .+|Permanent Representation of .+|Mission permanente d.+|Représentation permanente d.+|Misión Permanente d.+|Government of .+|Gouvernement d.+|Gobierno d.+|Ministry of .+|Ministère d.+|Ministerio d.+|Federal (?:Foreign )?(?:Office|Ministry|Department) .*|Embassy of .+|Ambassade d.+|Embajada d.+|Delegation of .+|Délégation d.+|Delegación d.+)$`)

// textSubmitter finds who submits the document from its leading lines:
// a "Submission by ..." line, else a letterhead on the first page.
func textSubmitter(lines []textLine) string {
	for i, l := range lines {
		if i >= 80 {
			break
		}
		m := submittedBy().FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		name := m[1]
		if loc := submitterEnd().FindStringIndex(name); loc != nil {
			name = name[:loc[0]]
		}
		name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), "."))
		for _, article := range []string{"the ", "The ", "la ", "le ", "les ", "l'", "el ", "los "} {
			name = strings.TrimPrefix(name, article)
		}
		if n := len(strings.Fields(name)); n >= 1 && n <= 10 && startsUpper(name) {
			return name
		}
	}
	for i, l := range lines {
		if i >= 15 || l.page > 1 {
			break
		}
		if len(strings.Fields(l.text)) <= 12 && letterhead().MatchString(l.text) {
			name := l.text
			if loc := dashSeparator().FindStringIndex(name); loc != nil {
				name = name[:loc[0]]
			}
			return strings.TrimSuffix(strings.TrimSpace(name), ".")
		}
	}
	return ""
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r) || unicode.IsDigit(r)
	}
	return false
}
