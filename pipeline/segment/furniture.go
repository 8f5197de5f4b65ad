package segment

import (
	"github.com/normtag/normtag/corpus"

	"strings"
	"unicode"
)

// edgeLines is how many non-empty lines at the top and at the bottom of a
// page are candidates for running headers, footers and page numbers.
const edgeLines = 3

// furnitureKey reduces a line to the shape shared by a running header or
// footer across pages: case folded, digits and whitespace removed, so that
// "Page 3 of 12" and "Page 4 of 12" agree.
func furnitureKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsDigit(r) || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// edges returns the indexes of the first and last few non-empty lines.
func edges(lines []line) []int {
	var idx []int
	seen := map[int]bool{}
	for i, n := 0, 0; i < len(lines) && n < edgeLines; i++ {
		if lines[i].text != "" {
			idx = append(idx, i)
			seen[i] = true
			n++
		}
	}
	for i, n := len(lines)-1, 0; i >= 0 && n < edgeLines; i-- {
		if lines[i].text != "" {
			if !seen[i] {
				idx = append(idx, i)
			}
			n++
		}
	}
	return idx
}

// repeatedFurniture finds the keys of edge lines that recur on many pages:
// running headers and footers. Documents of one or two pages have none.
func repeatedFurniture(pages []corpus.Page) map[string]bool {
	if len(pages) < 3 {
		return nil
	}
	count := map[string]int{}
	for _, p := range pages {
		lines := splitLines(p.Text)
		seen := map[string]bool{}
		for _, i := range edges(lines) {
			k := furnitureKey(lines[i].text)
			if k == "" || len(k) > 200 || seen[k] {
				continue
			}
			seen[k] = true
			count[k]++
		}
	}
	threshold := len(pages) / 2
	if threshold < 3 {
		threshold = 3
	}
	out := map[string]bool{}
	for k, n := range count {
		if n >= threshold {
			out[k] = true
		}
	}
	return out
}

// dropFurniture blanks edge lines that are running headers/footers or bare
// page numbers, keeping their byte ranges so offsets stay valid.
func dropFurniture(lines []line, furniture map[string]bool) {
	for _, i := range edges(lines) {
		t := lines[i].text
		if isPageNumber(t) || furniture[furnitureKey(t)] {
			lines[i].text = ""
		}
	}
}

// isPageNumber recognises a line that is only a page number: "7", "- 7 -",
// "Page 7", "7 of 12", "7/12", "vii".
func isPageNumber(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Trim(s, "-–—|[]() ")
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "page"), "p."))
	if s == "" {
		return false
	}
	for _, sep := range []string{" of ", "/", " de "} {
		if a, b, ok := strings.Cut(s, sep); ok {
			return allDigits(strings.TrimSpace(a)) && allDigits(strings.TrimSpace(b))
		}
	}
	if allDigits(s) {
		return true
	}
	return isRomanNumeral(s)
}

// isRomanNumeral accepts lower-case roman numerals up to xxxix, the range
// of front-matter page numbers.
func isRomanNumeral(s string) bool {
	rest := strings.TrimLeft(s, "x")
	if len(s)-len(rest) > 3 {
		return false
	}
	for _, unit := range []string{"ix", "iv", "viii", "vii", "vi", "v", "iii", "ii", "i"} {
		if rest == unit {
			return true
		}
	}
	return rest == "" && s != ""
}

func allDigits(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
