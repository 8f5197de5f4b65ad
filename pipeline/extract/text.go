package extract

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/encoding/charmap"

	"github.com/normtag/normtag/corpus"
)

// decodeText returns data as UTF-8 text, or false when it is binary. It
// accepts UTF-8 (with or without BOM), UTF-16 with a BOM, and falls back
// to Windows-1252 for 8-bit text that is not valid UTF-8.
func decodeText(data []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data), true
	}
	sample := data[:min(len(data), 64<<10)]
	if bytes.IndexByte(sample, 0) >= 0 {
		return "", false
	}
	control := 0
	for _, b := range sample {
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != '\v' {
			control++
		}
	}
	if control*100 > len(sample) { // more than 1% control bytes: binary
		return "", false
	}
	if utf8.Valid(data) {
		return string(data), true
	}
	// Tolerate a truncated final rune in otherwise valid UTF-8.
	if cut := len(data) - 3; cut > 0 && utf8.Valid(data[:cut]) {
		return strings.ToValidUTF8(string(data), "\uFFFD"), true
	}
	decoded, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", false
	}
	return string(decoded), true
}

func decodeUTF16(data []byte) string {
	big := data[0] == 0xFE
	data = data[2:]
	u := make([]uint16, len(data)/2)
	for i := range u {
		if big {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// extractText reads plain text; form feeds separate pages.
func extractText(doc *corpus.Document, data []byte) error {
	text, ok := decodeText(data)
	if !ok {
		return corpus.Errorf(corpus.ReasonUnsupported, "binary content")
	}
	text = normalizeNewlines(text)
	parts := strings.Split(text, "\f")
	for i, p := range parts {
		doc.Pages = append(doc.Pages, corpus.Page{Number: pageNumber(i, len(parts)), Text: p})
	}
	return nil
}

// pageNumber numbers the i-th of n form-feed separated parts of a text:
// from 1 when form feeds cut it into pages, 0 when there is one part, a
// text without pages, whose passages are cited without a page.
func pageNumber(i, n int) int {
	if n == 1 {
		return 0
	}
	return i + 1
}

// extractMarkdown reads Markdown as text, recording ATX (# …) and setext
// (underlined) headings as heading spans with the markup removed.
func extractMarkdown(doc *corpus.Document, data []byte) error {
	text, ok := decodeText(data)
	if !ok {
		return corpus.Errorf(corpus.ReasonUnsupported, "binary content")
	}
	text = normalizeNewlines(text)
	text = strings.TrimPrefix(text, "\ufeff")
	text = frontMatter(doc, text)
	parts := strings.Split(text, "\f")
	for i, raw := range parts {
		var b strings.Builder
		var heads []corpus.Span
		lines := strings.Split(raw, "\n")
		inFence := false
		for j := 0; j < len(lines); j++ {
			l := lines[j]
			trimmed := strings.TrimSpace(l)
			if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
				inFence = !inFence
				b.WriteString("\n")
				continue
			}
			if !inFence {
				if lvl, title, ok := atxHeading(trimmed); ok {
					writeHeading(&b, &heads, title, lvl)
					continue
				}
				if j+1 < len(lines) && trimmed != "" {
					if u := strings.TrimSpace(lines[j+1]); len(u) >= 2 && (strings.Trim(u, "=") == "" || strings.Trim(u, "-") == "") {
						lvl := 1
						if u[0] == '-' {
							lvl = 2
						}
						writeHeading(&b, &heads, trimmed, lvl)
						j++
						continue
					}
				}
				l = stripInline(l)
			}
			b.WriteString(l)
			b.WriteString("\n")
		}
		doc.Pages = append(doc.Pages, corpus.Page{Number: pageNumber(i, len(parts)), Text: b.String(), Headings: heads})
	}
	return nil
}

func writeHeading(b *strings.Builder, heads *[]corpus.Span, title string, lvl int) {
	b.WriteString("\n")
	start := b.Len()
	b.WriteString(title)
	*heads = append(*heads, corpus.Span{Start: start, End: b.Len(), Level: lvl})
	b.WriteString("\n\n")
}

func atxHeading(l string) (int, string, bool) {
	n := 0
	for n < len(l) && l[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n < len(l) && l[n] != ' ' {
		return 0, "", false
	}
	title := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(l[n:]), "#"))
	if title == "" {
		return 0, "", false
	}
	return n, stripInline(title), true
}

// stripInline removes the commonest inline markup: emphasis markers and
// link targets, keeping link text.
func stripInline(l string) string {
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '*' || c == '_' && (i == 0 || l[i-1] == ' ' || i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '_'):
			continue
		case c == '`':
			continue
		case c == ']' && i+1 < len(l) && l[i+1] == '(':
			if end := strings.IndexByte(l[i:], ')'); end > 0 {
				i += end
				continue
			}
		case c == '[':
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// maxFrontMatter bounds the front matter block read as YAML.
const maxFrontMatter = 16 << 10

// frontMatter reads a YAML front matter block (pandoc, Jekyll, Hugo) into
// the document's title and metadata and returns the text after it. Keys
// other than title, author, date, lang/language and description/abstract
// are ignored. A block that is not a YAML mapping (malformed YAML, or two
// horizontal rules) is left in the text: the words stay searchable and
// the document is not lost to a typo in its header.
func frontMatter(doc *corpus.Document, text string) string {
	if !strings.HasPrefix(text, "---\n") {
		return text
	}
	rest := text[4:]
	end := -1
	for _, marker := range []string{"\n---\n", "\n...\n"} {
		if i := strings.Index(rest, marker); i >= 0 && (end < 0 || i < end) {
			end = i
		}
	}
	if end < 0 || end > maxFrontMatter {
		return text
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(rest[:end]), &root); err != nil {
		return text
	}
	if len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return text
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		value := yamlText(m.Content[i+1])
		switch strings.ToLower(strings.TrimSpace(m.Content[i].Value)) {
		case "title":
			doc.Title = cleanTitle(value)
		case "author":
			setMeta(doc, "author", value)
		case "date":
			setMeta(doc, "date", normalizeDate(value))
		case "lang", "language":
			setMeta(doc, "language", value)
		case "description", "abstract":
			setMeta(doc, "description", value)
		}
	}
	return rest[end+5:]
}

// yamlText is a front matter value as text: a scalar as written, a list of
// scalars (several authors) joined with "; ", anything else empty.
func yamlText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		var parts []string
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode && strings.TrimSpace(c.Value) != "" {
				parts = append(parts, strings.TrimSpace(c.Value))
			}
		}
		return strings.Join(parts, "; ")
	case yaml.AliasNode:
		if n.Alias != nil {
			return yamlText(n.Alias)
		}
	}
	return ""
}

// normalizeNewlines turns CRLF and old Mac CR line ends into LF.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
