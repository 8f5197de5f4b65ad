package cite

import (
	"io"
	"strconv"
	"strings"
)

// BibTeX is an item as the fields of a BibTeX @techreport entry, in
// order, values not yet escaped (see WriteBibTeX). The submitter is both
// the author, braced whole so that it is never split into names, and the
// institution @techreport requires; type "Submission" stands in for
// "Technical Report"; date (BibLaTeX) keeps a month-only or day date
// at its precision beside year and month.
func BibTeX(it Item) [][2]string {
	f := [][2]string{{"title", it.Title}}
	if it.Submitter != "" {
		f = append(f, [2]string{"author", it.Submitter}, [2]string{"institution", it.Submitter})
	}
	f = append(f, [2]string{"type", "Submission"})
	if parts := DateParts(it.Date); parts != nil {
		f = append(f, [2]string{"year", strconv.Itoa(parts[0])})
		if len(parts) > 1 {
			f = append(f, [2]string{"month", monthMacros[parts[1]-1]})
		}
		f = append(f, [2]string{"date", it.Date})
	} else if it.Date != "" {
		// BibTeX prints a year it cannot read as it is ("n.d.").
		f = append(f, [2]string{"year", it.Date})
	}
	if it.Publisher != "" {
		f = append(f, [2]string{"publisher", it.Publisher})
	}
	if pages := pageRange(it.Passage, "--"); pages != "" {
		f = append(f, [2]string{"pages", pages})
	}
	if p := it.Passage; p != nil && len(p.HeadingPath) > 0 {
		f = append(f, [2]string{"chapter", strings.Join(p.HeadingPath, " › ")})
	}
	if it.Language != "" {
		f = append(f, [2]string{"language", it.Language})
	}
	if u := it.URL(); u != "" {
		f = append(f, [2]string{"url", u})
	}
	if p := it.Passage; p != nil && p.Text != "" {
		f = append(f, [2]string{"abstract", p.Text})
	}
	if n := Note(it); n != "" {
		f = append(f, [2]string{"note", n})
	}
	for i := range f {
		f[i][1] = oneLine(f[i][1])
	}
	return f
}

// monthMacros are BibTeX's month names, written bare so that every
// style prints the month its own way.
var monthMacros = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// bibEscaper writes LaTeX's special characters as commands that print
// them: a title with "R&D", "50%" or "#cyber" must neither break the
// entry nor change the document that cites it.
var bibEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `$`, `\$`, `&`, `\&`, `%`, `\%`,
	`#`, `\#`, `_`, `\_`, `^`, `\textasciicircum{}`, `~`, `\textasciitilde{}`)

var urlBraces = strings.NewReplacer("{", "%7B", "}", "%7D")

// BibEscape makes a value safe inside a braced BibTeX field.
func BibEscape(s string) string { return bibEscaper.Replace(s) }

// bibWriter writes @techreport entries.
type bibWriter struct {
	w    io.Writer
	keys keys
}

func (b *bibWriter) Write(it Item) error {
	var s strings.Builder
	s.WriteString("@techreport{" + b.keys.next(it) + ",\n")
	for _, f := range BibTeX(it) {
		s.WriteString("  " + f[0] + " = ")
		switch f[0] {
		case "month":
			s.WriteString(f[1]) // a macro, unbraced
		case "title", "author":
			// Double braces: the title keeps its capitals in every
			// style, the author stays one institution, not names.
			s.WriteString("{{" + BibEscape(f[1]) + "}}")
		case "url":
			// url is read verbatim by the url package: only braces
			// would end it early, so they are percent-encoded.
			s.WriteString("{" + urlBraces.Replace(f[1]) + "}")
		default:
			s.WriteString("{" + BibEscape(f[1]) + "}")
		}
		s.WriteString(",\n")
	}
	s.WriteString("}\n\n")
	_, err := io.WriteString(b.w, s.String())
	return err
}

func (b *bibWriter) Close() error { return nil }
