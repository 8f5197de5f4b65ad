// Command genpdf writes an N-page text PDF for the extraction benchmark.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/normtag/normtag/internal/pdfgen"
)

func main() {
	n := flag.Int("pages", 200, "pages")
	out := flag.String("out", "generated.pdf", "output file")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := pdfgen.Write(f, pdfgen.Pages(*n)); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
