package segment

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/normtag/normtag/corpus"
)

// The line tests of this package skip work on most lines: they count
// fields without building them, lower-case into buffers, and rule a line
// out by a cheap test before a costly one. The tests below hold them to
// their plain definitions, written here as the package first had them,
// on the lines of real documents and on random lines built to reach
// every shortcut. The plain definitions of isPageNumber and Normalize
// stay in the package (pageNumberText, foldSpaces), behind their quick
// tests.

func refSectionKind(l string) corpus.Kind {
	t := strings.ToLower(strings.TrimSpace(l))
	if f := strings.Fields(t); len(f) > 1 {
		if _, numbered := refNumberingLevel(f[0]); numbered {
			t = strings.Join(f[1:], " ")
		}
	}
	return sectionTitles[strings.TrimRight(t, ": ")]
}

func refIsCopyright(l string) bool {
	if len(l) > 300 {
		return false
	}
	lower := strings.ToLower(l)
	return strings.HasPrefix(lower, "©") || strings.HasPrefix(lower, "copyright ") || strings.HasPrefix(lower, "(c) ") ||
		strings.Contains(lower, "all rights reserved") || strings.Contains(lower, "tous droits réservés") ||
		strings.Contains(lower, "todos los derechos reservados")
}

func refLooksLikeReference(l string) bool {
	lower := strings.ToLower(l)
	for _, s := range []string{"http", "www.", "<", "@", "ibid", " res ", "op. cit", "p. "} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

func refNumberingLevel(w string) (int, bool) {
	marked := strings.HasSuffix(w, ".") || strings.HasSuffix(w, ")")
	w = strings.TrimRight(w, ".)")
	if w == "" {
		return 0, false
	}
	parts := strings.Split(w, ".")
	for _, p := range parts {
		if p == "" {
			return 0, false
		}
		letter := isRoman(p) || len(p) == 1 && unicode.IsUpper(rune(p[0]))
		if !isDigits(p) && !(letter && (marked || len(parts) > 1)) {
			return 0, false
		}
	}
	return len(parts), true
}

func refHeadingShape(l string, alone, followed bool) (int, bool) {
	n := utf8.RuneCountInString(l)
	if n < 2 || n > 120 {
		return 0, false
	}
	words := strings.Fields(l)
	if len(words) > 16 {
		return 0, false
	}
	lvl, numbered := refNumberingLevel(words[0])
	if pageNumberText(l) || refLooksLikeReference(l) || isDateLine(words) {
		return 0, false
	}
	last, _ := utf8.DecodeLastRuneInString(l)
	if strings.ContainsRune(".,;", last) && !(numbered && len(words) == 1) {
		return 0, false
	}
	first, _ := utf8.DecodeRuneInString(l)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && first != '(' {
		return 0, false
	}
	lower := strings.ToLower(l)
	normLike := strings.HasPrefix(lower, "norm ") || strings.HasPrefix(lower, "norme ") || strings.HasPrefix(lower, "norma ") ||
		strings.HasPrefix(lower, "section ") || strings.HasPrefix(lower, "chapter ") || strings.HasPrefix(lower, "part ") || strings.HasPrefix(lower, "annex")
	switch {
	case normLike:
		return 2, true
	case numbered && len(words) > 1:
		return lvl, true
	case isAllCaps(l) && len(words) <= 10:
		return 1, true
	case alone && titleLike(words):
		return 2, true
	case alone && !followed && len(words) <= 8 && last != ':' && n < 70:
		return weakLevel, true
	}
	return 0, false
}

func refLeadHeading(first, next string, maxLen int) bool {
	n := utf8.RuneCountInString(first)
	words := strings.Fields(first)
	if len(words) < 2 || len(words) > 10 || n*5 >= maxLen*3 || refLooksLikeReference(first) || pageNumberText(first) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(first)
	if strings.ContainsRune(".,;:-–—(", last) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(first)
	nr, _ := utf8.DecodeRuneInString(next)
	return unicode.IsUpper(r) && unicode.IsUpper(nr) && !refStartsItem(first)
}

func refStartsItem(l string) bool {
	r, _ := utf8.DecodeRuneInString(l)
	if strings.ContainsRune("•▪◦‣●■–—-*·", r) {
		return true
	}
	w := strings.Fields(l)[0]
	if strings.HasPrefix(w, "(") && strings.HasSuffix(w, ")") && len(w) <= 6 {
		return true
	}
	_, ok := refNumberingLevel(w)
	return ok && strings.HasSuffix(w, ".") || ok && strings.HasSuffix(w, ")")
}

func refEndsOpen(l string) bool {
	f := strings.Fields(l)
	if len(f) == 0 {
		return false
	}
	last := strings.ToLower(f[len(f)-1])
	return openEnds[last] || strings.HasSuffix(last, ",")
}

func refFurnitureKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if !unicode.IsDigit(r) && !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// linePieces build random lines that reach the shortcuts: page numbers,
// section titles, copyright notices, references, headings, the runes
// that lower-case to ASCII (İ, the Kelvin sign), spaces of every kind,
// controls, soft hyphens and invalid bytes.
var linePieces = []string{
	"Page", "page", "PAGE", "p.", "P.", "7", "12", "of", "OF", "de", "/", "-", "–", "—", "|", "[", "]", "(", ")", "vii", "XIV", "ix", "İ", "\u212A",
	"Notes", "NOTES", "notes", "and", "References", "Table", "of", "Contents", "Table des matières", "Índice", "Works Cited", "End Notes", ":", "::",
	"©", "Copyright", "COPYRIGHT", "(C)", "(c)", "All rights reserved", "ALL RIGHTS RESERVED", "Tous droits RÉSERVÉS", "todos los derechos reservados", "serv", "SERV",
	"http://example.org", "WWW.", "<", "@", "Ibid", "IBİD", " res ", "Op. cit.", "p. ", "See", "Norm", "NORME", "norma", "Section", "CHAPTER", "Part", "Annex", "ANNEX",
	"1.", "2.3", "IV.", "A.", "B)", "(a)", "13", "2015", "March", "septembre", "•", "*", "the", "of", "and", "States", "should", "protect", "critical", "infrastructure.",
	"États", "sécurité", "Россия", "السيبراني", "网络安全", "ǅ", "don’t", "co-", "operation", "e-mail", ",", ".", ";", "!", "?",
	" ", " ", " ", "  ", "\t", "\u00a0", "\u2003", "\u3000", "\u0085", "\n", "\r", "\x00", "\x7f", "\u0090", "\u00ad", "\xff", "\xe2\x82", "\uFFFD",
}

func randomLine(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(14); n >= 0; n-- {
		b.WriteString(linePieces[r.IntN(len(linePieces))])
		if r.IntN(3) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// realLines are the lines of the repository's texts and of ../shared's
// labelled texts when present.
func realLines(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"../../testdata/renderings/*.txt", "../../examples/src/*", "../../internal/scanpdf/testdata/src/*.txt",
		"../extract/pdf/testdata/golden/*.txt", "../extract/pdf/testdata/golden/scripts/*.txt", "../tag/testdata/*.jsonl", "../../../shared/labeled/*"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Split(string(data), "\n")...)
		}
	}
	if len(out) < 1000 {
		t.Fatalf("only %d real lines found", len(out))
	}
	return out
}

func TestLineTestsMatchReference(t *testing.T) {
	lines := realLines(t)
	r := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 12000; i++ {
		lines = append(lines, randomLine(r))
	}
	hits := map[string]int{}
	count := func(name string, yes bool) {
		if yes {
			hits[name]++
		}
	}
	for _, raw := range lines {
		for _, l := range []string{raw, strings.TrimSpace(raw)} {
			if got, want := isPageNumber(l), pageNumberText(l); got != want {
				t.Fatalf("isPageNumber(%q) = %v, want %v", l, got, want)
			}
			count("isPageNumber", pageNumberText(l))
			if got, want := sectionKind(l), refSectionKind(l); got != want {
				t.Fatalf("sectionKind(%q) = %q, want %q", l, got, want)
			}
			count("sectionKind", refSectionKind(l) != "")
			if got, want := isCopyright(l), refIsCopyright(l); got != want {
				t.Fatalf("isCopyright(%q) = %v, want %v", l, got, want)
			}
			count("isCopyright", refIsCopyright(l))
			if got, want := looksLikeReference(l), refLooksLikeReference(l); got != want {
				t.Fatalf("looksLikeReference(%q) = %v, want %v", l, got, want)
			}
			count("looksLikeReference", refLooksLikeReference(l))
			if got, want := endsOpen(l), refEndsOpen(l); got != want {
				t.Fatalf("endsOpen(%q) = %v, want %v", l, got, want)
			}
			if got, want := furnitureKey(l), refFurnitureKey(l); got != want {
				t.Fatalf("furniture key of %q = %q, want %q", l, got, want)
			}
			if got, want := Normalize(l), foldSpaces(norm.NFKC.String(l)); got != want {
				t.Fatalf("Normalize(%q) = %q, want %q", l, got, want)
			}
			if got, want := countFields(l, 1000), len(strings.Fields(l)); got != want {
				t.Fatalf("countFields(%q) = %d, want %d", l, got, want)
			}
			if f := strings.Fields(l); len(f) > 0 {
				if got := lastField(l); got != f[len(f)-1] {
					t.Fatalf("lastField(%q) = %q, want %q", l, got, f[len(f)-1])
				}
				if got := appendFields(nil, l, 1000); !slices.Equal(got, f) {
					t.Fatalf("appendFields(%q) = %q, want %q", l, got, f)
				}
				// The heading tests take trimmed, non-empty lines.
				if l == strings.TrimSpace(l) {
					for _, alone := range []bool{false, true} {
						for _, followed := range []bool{false, true} {
							gl, gok := headingShape(l, alone, followed)
							wl, wok := refHeadingShape(l, alone, followed)
							if gl != wl || gok != wok {
								t.Fatalf("headingShape(%q, %v, %v) = %d %v, want %d %v", l, alone, followed, gl, gok, wl, wok)
							}
							count("headingShape", wok)
						}
					}
					for _, maxLen := range []int{20, 80, 200} {
						if got, want := leadHeading(l, "The", maxLen), refLeadHeading(l, "The", maxLen); got != want {
							t.Fatalf("leadHeading(%q, %d) = %v, want %v", l, maxLen, got, want)
						}
						count("leadHeading", refLeadHeading(l, "The", maxLen))
					}
					if got, want := startsItem(l), refStartsItem(l); got != want {
						t.Fatalf("startsItem(%q) = %v, want %v", l, got, want)
					}
					count("startsItem", refStartsItem(l))
				}
			}
			for _, w := range strings.Fields(l) {
				gl, gok := numberingLevel(w)
				wl, wok := refNumberingLevel(w)
				if gl != wl || gok != wok {
					t.Fatalf("numberingLevel(%q) = %d %v, want %d %v", w, gl, gok, wl, wok)
				}
			}
		}
	}
	// Each test must have said yes often enough for the comparison to
	// mean something.
	for _, name := range []string{"isPageNumber", "sectionKind", "isCopyright", "looksLikeReference", "headingShape", "leadHeading", "startsItem"} {
		if hits[name] < 20 {
			t.Errorf("%s said yes only %d times", name, hits[name])
		}
	}
}

// furnitureKey is appendFurnitureKey as a string.
func furnitureKey(s string) string { return string(appendFurnitureKey(nil, s)) }

// urlish is the regular expression urlMatches stands for.
var urlish = regexp.MustCompile(`(?i)<?(?:https?://|www\.)[^\s>]+>?`)

func TestURLMatchesFollowTheRegularExpression(t *testing.T) {
	texts := realLines(t)
	pieces := []string{"http://", "https://", "HTTPS://", "hTtP://", "httpſ://", "httpſ:/", "https:/", "http:", "https", "www.", "WWW.", "wWw", "ww.",
		"<", ">", "<<", ">>", " ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "example.org/a?b=1", "x", "é", "\xff", "\xe2\x82", ".", "/", ":", "ſ", "S"}
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(10); n >= 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	found := 0
	for _, text := range texts {
		spans := urlish.FindAllStringIndex(text, -1)
		size := 0
		for _, s := range spans {
			size += s[1] - s[0]
		}
		if gotCount, gotSize := urlMatches(text); gotCount != len(spans) || gotSize != size {
			t.Fatalf("urlMatches(%q) = %d, %d; the regular expression finds %d, %d (%v)", text, gotCount, gotSize, len(spans), size, spans)
		}
		found += len(spans)
	}
	if found < 1000 {
		t.Fatalf("only %d addresses found: the comparison proves little", found)
	}
}
