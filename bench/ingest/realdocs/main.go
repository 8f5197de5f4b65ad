// Command realdocs renders plain-text files to PDF for the ingest
// benchmark's real-documents row: each input is wrapped at every width
// given, so one text yields several PDFs with different bytes and page
// counts, as the same report printed by different producers would.
//
// Usage: realdocs -out DIR -widths 60,75,90 FILE.txt...
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/normtag/normtag/internal/pdfgen"
)

// linesPerPage matches pdfgen's page layout (14 pt leading on a letter page).
const linesPerPage = 45

func main() {
	out := flag.String("out", "realdocs", "output folder")
	widths := flag.String("widths", "60,75,90", "line widths in characters, comma-separated; one PDF per width")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, in := range flag.Args() {
		raw, err := os.ReadFile(in)
		if err != nil {
			log.Fatal(err)
		}
		text := toASCII(string(raw))
		base := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		for _, ws := range strings.Split(*widths, ",") {
			w, err := strconv.Atoi(strings.TrimSpace(ws))
			if err != nil || w < 20 {
				log.Fatalf("bad width %q", ws)
			}
			name := filepath.Join(*out, fmt.Sprintf("%s-w%d.pdf", base, w))
			if err := render(name, paginate(wrap(text, w))); err != nil {
				log.Fatal(err)
			}
		}
	}
}

func render(name string, pages [][]string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pdfgen.Write(f, pages); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}

// wrap breaks each paragraph (a line of the input) into lines of at most
// width characters, with a blank line between paragraphs so that the
// extractor sees the same paragraph breaks a typeset document has.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			continue
		}
		line := ""
		for _, w := range words {
			if line != "" && len(line)+1+len(w) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line, "")
	}
	return out
}

func paginate(lines []string) [][]string {
	var pages [][]string
	for len(lines) > 0 {
		n := min(linesPerPage, len(lines))
		pages = append(pages, lines[:n])
		lines = lines[n:]
	}
	return pages
}

// toASCII spells typographic characters the way a plain-text rendering
// would, since pdfgen writes ASCII only; anything else is dropped.
func toASCII(s string) string {
	repl := strings.NewReplacer("—", "--", "–", "-", "‘", "'", "’", "'", "“", `"`, "”", `"`,
		"…", "...", "•", "*", "\u00a0", " ", "¹", "1", "²", "2", "³", "3", "é", "e", "è", "e", "à", "a", "ç", "c")
	s = repl.Replace(s)
	var b strings.Builder
	for _, r := range s {
		if r == '\n' || r == '\t' || (r >= 0x20 && r < 0x7f) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
