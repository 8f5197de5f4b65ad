package ocr

import (
	"bufio"
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// chooseLang picks a document's language from its first recognised
// page, and returns that page read in it. The script comes from
// Tesseract's script detection (osd); among the Latin-script languages,
// the page is read in the first installed and its function words decide,
// read again only when they point elsewhere. Recognising in all the
// installed languages at once would be several times slower and read
// worse.
func (r *recognizer) chooseLang(ctx context.Context, img string, dpi int) (string, page, error) {
	installed := r.c.Installed
	if len(installed) == 1 {
		got, err := r.recognise(ctx, img, dpi, installed[0])
		return installed[0], got, err
	}
	script := ""
	if r.c.OSD {
		script = r.script(ctx, img, dpi)
		if err := ctx.Err(); err != nil {
			return "", page{}, err
		}
	}
	if l := scriptLang[script]; l != "" && slices.Contains(installed, l) {
		got, err := r.recognise(ctx, img, dpi, l)
		return l, got, err
	}
	var latin []string
	for _, l := range installed {
		if functionWords[l] != nil {
			latin = append(latin, l)
		}
	}
	if len(latin) == 0 {
		// No Latin pack and no script found: all installed packs at once.
		l := strings.Join(installed, "+")
		got, err := r.recognise(ctx, img, dpi, l)
		return l, got, err
	}
	first := latin[0]
	got, err := r.recognise(ctx, img, dpi, first)
	if err != nil {
		return first, got, err
	}
	best := latinLanguage(got.text, latin)
	if best == first {
		return first, got, nil
	}
	again, err := r.recognise(ctx, img, dpi, best)
	return best, again, err
}

// script asks Tesseract's orientation and script detection which script
// the page is written in; "" when it cannot tell (too little text).
func (r *recognizer) script(ctx context.Context, img string, dpi int) string {
	var out bytes.Buffer
	// Script detection stops once it has seen osdChars characters
	// (Tesseract's default, 50, cost as much as reading the page).
	args := []string{img, "stdout", "--dpi", strconv.Itoa(dpi), "--psm", "0", "-c", "min_characters_to_try=" + strconv.Itoa(osdChars)}
	if err := run(ctx, r.c.Tesseract, args, &out); err != nil {
		return ""
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Script:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// osdChars is how many characters script detection looks at: on the
// page images of the OCR tests and benchmark (English, French, Arabic and
// Chinese, 300 dpi clean and 200 dpi noisy) 10 found the same script as
// 50 at a third of the CPU time (0.30 s against 0.83 s a page).
const osdChars = 10

// scriptLang maps the scripts osd names to the pack that reads them.
var scriptLang = map[string]string{
	"Arabic": "ara", "Cyrillic": "rus",
	"Han": "chi_sim", "HanS": "chi_sim", "HanT": "chi_sim", "Japanese": "chi_sim",
}

// functionWords are frequent short words of each Latin-script language
// that the others do not share.
var functionWords = map[string][]string{
	"eng": {"the", "of", "and", "to", "is", "that", "for", "on", "with", "by", "are", "be", "should", "this", "which", "their"},
	"fra": {"le", "les", "des", "du", "et", "est", "dans", "pour", "une", "sur", "au", "aux", "qui", "ne", "pas", "doivent", "leur"},
	"spa": {"el", "los", "las", "del", "y", "por", "para", "una", "con", "es", "al", "su", "lo", "deben", "sus", "como"},
}

// latinLanguage is the one of langs whose function words the text uses
// most (the first of langs on a tie).
func latinLanguage(text string, langs []string) string {
	counts := map[string]int{}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		for _, l := range langs {
			if slices.Contains(functionWords[l], w) {
				counts[l]++
			}
		}
	}
	best := langs[0]
	for _, l := range langs[1:] {
		if counts[l] > counts[best] {
			best = l
		}
	}
	return best
}
