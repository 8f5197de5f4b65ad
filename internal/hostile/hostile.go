// Package hostile writes corpora of files made to hurt whoever reads them:
// megabyte titles and authors, terminal escape sequences and bidi
// overrides in metadata and file names, beside ordinary documents whose
// many distinct words make pattern queries expensive. Tests of limits use
// it; nothing else should.
package hostile

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// BigField is the size of the megabyte titles and authors.
const BigField = 1 << 20

// Escape is an escape sequence and bidi override that the hostile
// documents put in their titles, authors and text.
const Escape = "\x1b]0;owned\x07\x1b[2J\u202e"

// sentences speak of the norms so that passages are tagged.
var sentences = []string{
	"States should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure.",
	"States should take appropriate measures to protect their critical infrastructure from ICT threats.",
	"States should respond to appropriate requests for assistance by another State whose critical infrastructure is subject to malicious ICT acts.",
	"States should take reasonable steps to ensure the integrity of the supply chain so that end users can have confidence in the security of ICT products.",
	"States should encourage responsible reporting of ICT vulnerabilities and share associated information on available remedies.",
	"States should not conduct or knowingly support activity to harm the information systems of the authorized emergency response teams.",
	"States should cooperate to exchange information, assist each other and prosecute terrorist and criminal use of ICTs.",
}

// Files describes what Write wrote.
type Files struct {
	// Normal and Big count the ordinary and the megabyte-field files.
	Normal, Big int
}

// Write fills dir with normal ordinary documents (Markdown and HTML, each
// about 40 passages) and big documents with a megabyte title and author
// (half HTML with <title> and <meta name=author>, half Markdown front
// matter), some with escape sequences in their file names.
func Write(dir string, normal, big int, seed uint64) (Files, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := range normal {
		body := paragraphs(rng, 40)
		var name, data string
		if i%2 == 0 {
			name = fmt.Sprintf("submission-%03d.md", i)
			data = fmt.Sprintf("---\ntitle: Submission %d on the norms\nauthor: Delegation %d\ndate: 20%02d-03-01\n---\n\n# Views\n\n%s", i, i%7, 15+i%10, strings.Join(body, "\n\n"))
		} else {
			name = fmt.Sprintf("statement-%03d.html", i)
			data = fmt.Sprintf("<!doctype html><html><head><title>Statement %d</title><meta name=\"author\" content=\"Mission %d\"></head><body><h1>Statement</h1><p>%s</p></body></html>", i, i%5, strings.Join(body, "</p><p>"))
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return Files{}, err
		}
	}
	for i := range big {
		title := bigText(rng, "Title"+Escape)
		author := bigText(rng, "Author"+Escape)
		body := paragraphs(rng, 5)
		body[0] += " " + Escape
		var name, data string
		if i%2 == 0 {
			name = fmt.Sprintf("big-%03d.html", i)
			data = fmt.Sprintf("<!doctype html><html><head><title>%s</title><meta name=\"author\" content=\"%s\"></head><body><p>%s</p></body></html>", title, author, strings.Join(body, "</p><p>"))
		} else {
			name = fmt.Sprintf("big-%03d.md", i)
			data = fmt.Sprintf("---\ntitle: %q\nauthor: %q\n---\n\n%s", title, author, strings.Join(body, "\n\n"))
		}
		if i%3 == 0 {
			name = "esc\x1b[31m-" + name
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return Files{}, err
		}
	}
	return Files{Normal: normal, Big: big}, nil
}

// bigText is about BigField bytes of words, starting with prefix.
func bigText(rng *rand.Rand, prefix string) string {
	var b strings.Builder
	b.Grow(BigField + 64)
	b.WriteString(prefix)
	for b.Len() < BigField {
		b.WriteByte(' ')
		b.WriteString(word(rng))
	}
	return b.String()
}

// paragraphs are n paragraphs of norm sentences mixed with made-up words,
// which give the index a large term dictionary.
func paragraphs(rng *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range 3 {
			b.WriteString(sentences[rng.IntN(len(sentences))])
			b.WriteByte(' ')
			for range 8 {
				b.WriteString(word(rng))
				b.WriteByte(' ')
			}
		}
		out[i] = strings.TrimSpace(b.String())
	}
	return out
}

// word is a made-up lower-case word of 4 to 9 letters.
func word(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 4+rng.IntN(6))
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}
