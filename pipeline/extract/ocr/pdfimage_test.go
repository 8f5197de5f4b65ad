package ocr

import (
	"bytes"
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/image/tiff"
)

// TestImageTakenOutInGoEqualsPdfimages: a scanned page's grey image,
// taken out of the PDF in process, has the very pixels pdfimages writes
// for it, and the page is then read without a pdfimages child.
func TestImageTakenOutInGoEqualsPdfimages(t *testing.T) {
	c := ready(t)
	if c.Pdfimages == "" {
		t.Skip("skipping: pdfimages absent; " + InstallHint)
	}
	data := scanPDF(t)
	doc, err := Open(context.Background(), c, data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	r := doc.r
	got, ok := r.decodeImage(2, filepath.Join(r.dir, "mine"))
	if !ok {
		t.Fatalf("page 2's image (%+v) was not taken out in process", r.images[2].largest)
	}
	mine := tiffGrey(t, got)

	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(c.Pdfimages, "-f", "2", "-l", "2", in, filepath.Join(dir, "theirs")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v: %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "theirs-*"))
	if len(files) != 1 {
		t.Fatalf("pdfimages wrote %v", files)
	}
	theirs := pnmPixels(t, files[0])
	if len(theirs) == 3*len(mine) {
		// pdfimages writes a grey image as a PPM, each sample three times.
		grey := make([]byte, len(mine))
		for i := range grey {
			if theirs[3*i] != theirs[3*i+1] || theirs[3*i] != theirs[3*i+2] {
				t.Fatalf("pdfimages wrote colour at sample %d", i)
			}
			grey[i] = theirs[3*i]
		}
		theirs = grey
	}
	if len(mine) == 0 || !bytes.Equal(mine, theirs) {
		t.Fatalf("pixels differ: %d bytes in process, %d by pdfimages", len(mine), len(theirs))
	}

	// The page is read from that image: pdfimages is not run again.
	r.c.Pdfimages = filepath.Join(dir, "no-such-pdfimages")
	page, err := r.page(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if page.Words < 20 {
		t.Fatalf("page 2 read %d words: %q", page.Words, page.Text)
	}
}

// tiffGrey returns the samples of a grey TIFF file.
func tiffGrey(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := tiff.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("%s: a %T, not grey", path, img)
	}
	return g.Pix
}

// pnmPixels returns the samples of a binary PGM or PPM file.
func pnmPixels(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Magic, width, height, maximum value: four fields, then one byte of
	// white space.
	fields := 0
	for i := 0; i < len(b); i++ {
		if b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r' {
			if i > 0 && b[i-1] != ' ' && b[i-1] != '\n' && b[i-1] != '\t' && b[i-1] != '\r' {
				fields++
				if fields == 4 {
					return b[i+1:]
				}
			}
		}
	}
	t.Fatalf("%s: not a PNM file", path)
	return nil
}
