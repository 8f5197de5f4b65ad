package cite

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Citation formats, as --format and format= name them.
const (
	FormatCSLJSON = "csl-json"
	FormatRIS     = "ris"
	FormatBibTeX  = "bibtex"
)

// Formats lists the citation formats.
var Formats = []string{FormatCSLJSON, FormatRIS, FormatBibTeX}

// IsFormat reports whether format is one of Formats.
func IsFormat(format string) bool { return slices.Contains(Formats, format) }

// ContentType is the media type of a format, as reference managers and
// browsers know it.
func ContentType(format string) string {
	switch format {
	case FormatCSLJSON:
		return "application/vnd.citationstyles.csl+json"
	case FormatRIS:
		return "application/x-research-info-systems"
	case FormatBibTeX:
		return "application/x-bibtex; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// Extension is a format's usual file name extension.
func Extension(format string) string {
	switch format {
	case FormatCSLJSON:
		return ".json"
	case FormatRIS:
		return ".ris"
	case FormatBibTeX:
		return ".bib"
	}
	return ".txt"
}

// Writer writes citations one at a time; Close ends the file (a CSL-JSON
// array needs its closing bracket) and must be called once all are
// written, even when there were none.
type Writer interface {
	Write(Item) error
	Close() error
}

// NewWriter starts a file of citations in format.
func NewWriter(w io.Writer, format string) (Writer, error) {
	switch format {
	case FormatCSLJSON:
		return &cslWriter{w: w}, nil
	case FormatRIS:
		return &risWriter{w: w}, nil
	case FormatBibTeX:
		return &bibWriter{w: w}, nil
	}
	return nil, fmt.Errorf("citation format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// keys makes the record keys of one file (BibTeX keys, CSL ids, RIS
// IDs): readable, "examplia2023-3fa2c1d0-p12", and unique within the
// file even when two records would get the same one.
type keys struct{ seen map[string]bool }

func (k *keys) next(it Item) string {
	if k.seen == nil {
		k.seen = map[string]bool{}
	}
	var b strings.Builder
	b.WriteString(keyWord(it.Submitter))
	if p := DateParts(it.Date); len(p) > 0 {
		b.WriteString(strconv.Itoa(p[0]))
	}
	b.WriteString("-")
	b.WriteString(keyWord(it.DocID[:min(8, len(it.DocID))]))
	if it.Passage != nil {
		fmt.Fprintf(&b, "-p%d", it.Passage.Seq)
	}
	key := b.String()
	for i := 0; k.seen[key]; i++ {
		key = fmt.Sprintf("%s-%d", b.String(), i+2)
	}
	k.seen[key] = true
	return key
}

// keyWord keeps the ASCII letters and digits of s, accents taken off,
// lowercased and at most 24 long; "normtag" when none are left. Keys
// hold nothing a BibTeX or LaTeX reader could stumble on.
func keyWord(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if b.Len() >= 24 {
			break
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	if b.Len() == 0 {
		return "normtag"
	}
	return b.String()
}

// pageRange is a passage's pages as "6" or "6-7" (sep between), or "".
func pageRange(p *Passage, sep string) string {
	if p == nil || p.Page <= 0 {
		return ""
	}
	if p.PageEnd > p.Page {
		return strconv.Itoa(p.Page) + sep + strconv.Itoa(p.PageEnd)
	}
	return strconv.Itoa(p.Page)
}
