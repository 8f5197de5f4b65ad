package cite

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/normtag/normtag/corpus"
)

// RIS is an item as RIS fields, in order: pairs of a two-character tag
// and a one-line value, from TY to ER. Tags are those of the RIS
// specification:
//
//	TY type (RPRT, report)   ID key          TI title       AU author
//	PY year                  DA date         PB publisher   SP/EP pages
//	SE section (headings)    LA language     UR permalink   L1 the PDF
//	AB the passage's words   N1 note (norms) DB database    ER end
//
// An author written without a comma is read by reference managers as
// one institution, which a submitter is.
func RIS(it Item, key string) [][2]string {
	f := [][2]string{{"TY", "RPRT"}, {"ID", key}, {"TI", it.Title}}
	if it.Submitter != "" {
		f = append(f, [2]string{"AU", strings.ReplaceAll(it.Submitter, ",", "")})
	}
	if parts := DateParts(it.Date); parts != nil {
		f = append(f, [2]string{"PY", strconv.Itoa(parts[0])}, [2]string{"DA", risDate(parts)})
	} else if it.Date != "" {
		f = append(f, [2]string{"DA", it.Date})
	}
	if it.Publisher != "" {
		f = append(f, [2]string{"PB", it.Publisher})
	}
	if p := it.Passage; p != nil && p.Page > 0 {
		f = append(f, [2]string{"SP", strconv.Itoa(p.Page)})
		if p.PageEnd > p.Page {
			f = append(f, [2]string{"EP", strconv.Itoa(p.PageEnd)})
		}
	}
	if p := it.Passage; p != nil && len(p.HeadingPath) > 0 {
		f = append(f, [2]string{"SE", strings.Join(p.HeadingPath, " › ")})
	}
	if it.Language != "" {
		f = append(f, [2]string{"LA", it.Language})
	}
	if u := it.URL(); u != "" {
		f = append(f, [2]string{"UR", u})
	}
	if it.Format == corpus.FormatPDF && it.FileURL != "" {
		f = append(f, [2]string{"L1", it.FileURL})
	}
	if p := it.Passage; p != nil && p.Text != "" {
		f = append(f, [2]string{"AB", p.Text})
	}
	if n := Note(it); n != "" {
		f = append(f, [2]string{"N1", n})
	}
	f = append(f, [2]string{"DB", "normtag"}, [2]string{"ER", ""})
	for i := range f {
		f[i][1] = oneLine(f[i][1])
	}
	return f
}

// risDate writes a date as RIS's DA wants it, YYYY/MM/DD/, leaving the
// parts a date does not have empty ("2023/05//").
func risDate(parts []int) string {
	s := [3]string{strconv.Itoa(parts[0])}
	for i := 1; i < len(parts); i++ {
		s[i] = fmt.Sprintf("%02d", parts[i])
	}
	return s[0] + "/" + s[1] + "/" + s[2] + "/"
}

// risWriter writes RIS records, CRLF line ends as the specification
// has them, a blank line between records.
type risWriter struct {
	w    io.Writer
	keys keys
}

func (r *risWriter) Write(it Item) error {
	var b strings.Builder
	for _, f := range RIS(it, r.keys.next(it)) {
		// "TAG  - value": two spaces, a hyphen, a space, even when the
		// value is empty (ER).
		b.WriteString(f[0] + "  - " + f[1] + "\r\n")
	}
	b.WriteString("\r\n")
	_, err := io.WriteString(r.w, b.String())
	return err
}

func (r *risWriter) Close() error { return nil }
