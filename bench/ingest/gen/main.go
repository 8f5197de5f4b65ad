// Command gen writes a synthetic corpus of text and HTML submissions for
// the ingest benchmark: N documents of a few pages each, mixing sentences
// that touch the norms with filler, deterministic for a given seed.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

var sentences = []string{
	"States should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure.",
	"Our national cyber security centre protects critical infrastructure such as hospitals, energy grids and water systems.",
	"The national CERT cooperates with computer emergency response teams in the region and never targets them.",
	"Integrity of the supply chain of ICT products is ensured through certification and testing of vendors.",
	"We encourage responsible reporting of ICT vulnerabilities through a coordinated disclosure policy.",
	"Human rights online, including freedom of expression and the right to privacy, must be respected.",
	"We respond to appropriate requests for assistance by other States whose infrastructure is attacked.",
	"Before attributing an ICT incident we consider all relevant information, including the larger context.",
	"States should not knowingly allow their territory to be used for internationally wrongful acts using ICTs.",
	"We exchange information on criminal and terrorist use of ICTs and cooperate with law enforcement.",
	"International cooperation in developing measures increases stability and security in the use of ICTs.",
	"The delegation thanks the Chair for the revised draft and looks forward to the next session.",
	"Capacity building programmes were funded for three partner countries over the reporting period.",
	"The ministry published its annual report, which covers budget, staffing and procurement.",
}

func main() {
	n := flag.Int("n", 1000, "documents")
	out := flag.String("out", "generated", "output folder")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	r := rand.New(rand.NewPCG(*seed, 99))
	for i := 0; i < *n; i++ {
		dir := filepath.Join(*out, fmt.Sprintf("%03d", i/1000))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		pages := 2 + r.IntN(6)
		var b strings.Builder
		html := i%4 == 3
		if html {
			fmt.Fprintf(&b, "<!DOCTYPE html><html lang=\"en\"><head><title>Submission %d</title></head><body><h1>Submission %d</h1>\n", i, i)
		} else {
			fmt.Fprintf(&b, "Submission %d\n\n", i)
		}
		for p := 0; p < pages; p++ {
			if p > 0 && !html {
				b.WriteString("\f")
			}
			if html {
				fmt.Fprintf(&b, "<h2>Section %d</h2>\n", p+1)
			} else {
				fmt.Fprintf(&b, "Section %d\n\n", p+1)
			}
			for para := 0; para < 4+r.IntN(4); para++ {
				var pb strings.Builder
				for s := 0; s < 3+r.IntN(4); s++ {
					pb.WriteString(sentences[r.IntN(len(sentences))])
					fmt.Fprintf(&pb, " (ref. %d.%d.%d) ", i, p, para)
				}
				if html {
					fmt.Fprintf(&b, "<p>%s</p>\n", pb.String())
				} else {
					b.WriteString(pb.String())
					b.WriteString("\n\n")
				}
			}
		}
		if html {
			b.WriteString("</body></html>\n")
		}
		ext := ".txt"
		if html {
			ext = ".html"
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc-%05d%s", i, ext)), []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
