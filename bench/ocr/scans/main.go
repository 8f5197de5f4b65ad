// Command scans writes the OCR benchmark's input: for each language,
// image-only PDFs of one page (300 dpi clean and 200 dpi turned 1.2°
// with noise, from internal/scanpdf/testdata) and the same page images as
// PNG, which Tesseract alone reads. Copies differ in bytes (a comment),
// so that normtag stores each instead of finding it already stored.
//
// Usage: scans OUT COPIES LANG...
// writes OUT/LANG/pdf/*.pdf and OUT/LANG/png/*.png
package main

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"

	"github.com/normtag/normtag/internal/scanpdf"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: scans OUT COPIES LANG...")
		os.Exit(2)
	}
	if err := write(os.Args[1], os.Args[2], os.Args[3:]); err != nil {
		fmt.Fprintln(os.Stderr, "scans:", err)
		os.Exit(1)
	}
}

func write(out, copiesArg string, langs []string) error {
	copies, err := strconv.Atoi(copiesArg)
	if err != nil || copies < 1 {
		return fmt.Errorf("bad COPIES %q", copiesArg)
	}
	for _, lang := range langs {
		for _, dir := range []string{"pdf", "png"} {
			if err := os.MkdirAll(filepath.Join(out, lang, dir), 0o755); err != nil {
				return err
			}
		}
		for _, q := range []struct {
			name string
			dpi  int
			skew bool
		}{{"clean300", 300, false}, {"noisy200", 200, true}} {
			img, err := scanpdf.ReadPNG(filepath.Join("internal/scanpdf/testdata", fmt.Sprintf("%s-%d.png", lang, q.dpi)))
			if err != nil {
				return err
			}
			if q.skew {
				img = scanpdf.Degrade(img, 1.2, 12, 0.002, 7)
			}
			for i := range copies {
				name := fmt.Sprintf("%s-%s-%d", lang, q.name, i)
				if err := scanpdf.WritePNG(filepath.Join(out, lang, "png", name+".png"), img); err != nil {
					return err
				}
				f, err := os.Create(filepath.Join(out, lang, "pdf", name+".pdf"))
				if err != nil {
					return err
				}
				werr := scanpdf.Write(f, []*image.Gray{img}, q.dpi)
				fmt.Fprintf(f, "%% copy %d\n", i)
				if err := f.Close(); werr == nil {
					werr = err
				}
				if werr != nil {
					return werr
				}
			}
		}
	}
	return nil
}
