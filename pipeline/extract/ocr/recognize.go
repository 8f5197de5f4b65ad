package ocr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Page is one recognised page.
type Page struct {
	// Number is the 1-based page number.
	Number int
	Text   string
	// Confidence is Tesseract's mean word confidence, 0-100.
	Confidence float64
	Words      int
}

// Result is what recognition made of a document's pages.
type Result struct {
	// Pages are the recognised pages, in the order asked for.
	Pages []Page
	// Lang is the Tesseract language setting used.
	Lang string
	// Missed are the pages that could not be recognised (time limit,
	// a tool's failure); Problem says why the first of them was.
	Missed  []int
	Problem string
}

// Recognize rasterises and recognises the given pages (1-based) of a PDF:
// Open, Read, Close.
func Recognize(ctx context.Context, c Config, pdf []byte, password string, pages []int) (*Result, error) {
	d, err := Open(ctx, c, pdf, password)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Read(ctx, pages)
}

// Document is a PDF being read by OCR: its copy on disk (the tools read
// files), the images on its pages and, once chosen, its language.
type Document struct {
	r *recognizer
}

// Open prepares a PDF for OCR: a copy in a temporary directory and the
// list of its pages' images (pdfimages -list).
func Open(ctx context.Context, c Config, pdf []byte, password string) (*Document, error) {
	if !c.Ready() {
		return nil, fmt.Errorf("ocr: %w", ErrNoTesseract)
	}
	dir, err := os.MkdirTemp("", "normtag-ocr-")
	if err != nil {
		return nil, fmt.Errorf("ocr: temporary directory: %w", err)
	}
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("ocr: write %s: %w", in, err)
	}
	r := &recognizer{c: c, dir: dir, in: in, password: password, lang: c.Langs, pdf: pdf}
	if c.Pdfimages != "" {
		r.images = pageImages(ctx, c.Pdfimages, in, password)
	}
	return &Document{r: r}, nil
}

// HasImages reports whether page n (1-based) holds an image, or may: a
// page without text and without images has nothing OCR could read.
// Without pdfimages every page may.
func (d *Document) HasImages(n int) bool {
	return d.r.images == nil || d.r.images[n].any > 0
}

// Close removes the temporary files.
func (d *Document) Close() error { return os.RemoveAll(d.r.dir) }

// Read recognises the given pages. A page that fails or runs out of
// time is listed in Result.Missed and the others go on; when the
// document's time limit runs out, the pages left are missed too. The
// error is ctx's when it is cancelled.
func (d *Document) Read(ctx context.Context, pages []int) (*Result, error) {
	return d.r.readAll(ctx, pages, d.r.page)
}

// readAll reads pages one by one with read, under the document's time
// limit, as Read describes.
func (r *recognizer) readAll(ctx context.Context, pages []int, read func(context.Context, int) (Page, error)) (*Result, error) {
	docTimeout := r.c.DocumentTimeout
	if docTimeout <= 0 {
		docTimeout = DefaultDocumentTimeout
	}
	docCtx, cancel := context.WithTimeout(ctx, docTimeout)
	defer cancel()
	res := &Result{}
	for _, n := range pages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := read(docCtx, n)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if docCtx.Err() != nil {
				err = fmt.Errorf("page %d: recognition of the document took longer than %s", n, docTimeout)
			}
			res.Missed = append(res.Missed, n)
			if res.Problem == "" {
				res.Problem = err.Error()
			}
			continue
		}
		res.Pages = append(res.Pages, p)
	}
	res.Lang = r.lang
	return res, nil
}

// Image is a picture to read by OCR, such as a scanned page pasted into a
// Word document: its encoded bytes (PNG, JPEG, TIFF, GIF or BMP, which
// Tesseract reads), their file extension, and the resolution it is shown
// at (0: DefaultDPI).
type Image struct {
	Data []byte
	Ext  string
	DPI  int
}

// ReadImages recognises images as the pages of one document, in order
// (Result's page numbers count them from 1), with the language chosen on
// the first as for a PDF, under the same page and document time limits.
func ReadImages(ctx context.Context, c Config, images []Image) (*Result, error) {
	if !c.Ready() {
		return nil, fmt.Errorf("ocr: %w", ErrNoTesseract)
	}
	dir, err := os.MkdirTemp("", "normtag-ocr-")
	if err != nil {
		return nil, fmt.Errorf("ocr: temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	r := &recognizer{c: c, dir: dir, lang: c.Langs}
	numbers := make([]int, len(images))
	for i := range images {
		numbers[i] = i + 1
	}
	return r.readAll(ctx, numbers, func(ctx context.Context, n int) (Page, error) {
		im := images[n-1]
		ctx, cancel, timeout := r.pageContext(ctx)
		defer cancel()
		path := filepath.Join(dir, "image-"+strconv.Itoa(n)+"."+im.Ext)
		if err := os.WriteFile(path, im.Data, 0o600); err != nil {
			return Page{}, fmt.Errorf("page %d: %w", n, err)
		}
		defer os.Remove(path)
		dpi := im.DPI
		if dpi <= 0 {
			dpi = DefaultDPI
		}
		got, err := r.read(ctx, path, clampDPI(dpi))
		if err != nil {
			return Page{}, r.explain(ctx, n, timeout, err)
		}
		return Page{Number: n, Text: got.text, Confidence: got.conf, Words: got.words}, nil
	})
}

// pageContext bounds the reading of one page by the page time limit.
func (r *recognizer) pageContext(ctx context.Context) (context.Context, context.CancelFunc, time.Duration) {
	timeout := r.c.PageTimeout
	if timeout <= 0 {
		timeout = DefaultPageTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, timeout
}

// Lines recognises page n (1-based) for its layout: its lines with the
// size of their type, in reading order. The page is rendered at
// DefaultDPI in colour: a cover's title is often light type on a
// coloured ground, which poppler's grey rendering washes out to near
// the ground's grey. It is bounded by the page time limit.
func (d *Document) Lines(ctx context.Context, n int) ([]Line, error) {
	r := d.r
	ctx, cancel, timeout := r.pageContext(ctx)
	defer cancel()
	img, err := r.render(ctx, n, DefaultDPI, true)
	if err != nil {
		return nil, r.explain(ctx, n, timeout, err)
	}
	defer os.Remove(img)
	got, err := r.read(ctx, img, DefaultDPI)
	if err != nil {
		return nil, r.explain(ctx, n, timeout, err)
	}
	return got.lines, nil
}

// recognizer holds what one document's pages share: the PDF's copy on
// disk, its images' resolutions and the language, once chosen.
type recognizer struct {
	c        Config
	dir, in  string
	password string
	// pdf is the document's bytes, and decoded the images taken out of
	// it in Go (see decodeImage).
	pdf     []byte
	decoded imageDecoder
	images  map[int]pageImage
	lang    string
}

// page renders page n and recognises it.
func (r *recognizer) page(ctx context.Context, n int) (Page, error) {
	ctx, cancel, timeout := r.pageContext(ctx)
	defer cancel()
	im := r.images[n]
	dpi := im.dpi
	if dpi == 0 {
		dpi = DefaultDPI
	}
	// A scanned page is one image: Tesseract reads its own pixels, as
	// it would read the scan. Rendering resamples them (the page's size
	// in points rarely makes a whole number of pixels), which costs
	// words on a poor scan. The image is taken as it is stored, so one
	// placed turned or clipped reads badly: then the rendered page is
	// read too and the better kept.
	scan := im.count == 1 && im.square && r.c.Mode != Always
	var img string
	var err error
	if scan {
		img, err = r.extractImage(ctx, n)
	} else {
		img, err = r.render(ctx, n, dpi, false)
	}
	if err != nil {
		return Page{}, r.explain(ctx, n, timeout, err)
	}
	defer os.Remove(img)
	got, err := r.read(ctx, img, dpi)
	if err == nil && scan && (got.words < 3 || got.conf < 60) {
		var rendered string
		if rendered, err = r.render(ctx, n, dpi, false); err == nil {
			defer os.Remove(rendered)
			var again page
			if again, err = r.read(ctx, rendered, dpi); err == nil && again.conf*float64(again.words) > got.conf*float64(got.words) {
				got = again
			}
		}
	}
	if err != nil {
		return Page{}, r.explain(ctx, n, timeout, err)
	}
	return Page{Number: n, Text: got.text, Confidence: got.conf, Words: got.words}, nil
}

// read recognises an image in the document's language, choosing that
// language first if need be.
func (r *recognizer) read(ctx context.Context, img string, dpi int) (page, error) {
	if r.lang != "" {
		return r.recognise(ctx, img, dpi, r.lang)
	}
	lang, got, err := r.chooseLang(ctx, img, dpi)
	if err == nil {
		r.lang = lang
	}
	return got, err
}

// extractImage writes page n's one image with its pixels as stored and
// returns its path. TIFF keeps a grey image grey and uncompressed: the
// default PPM makes it three channels, which cost Tesseract a third more
// time to read, and PNG costs the compression.
func (r *recognizer) extractImage(ctx context.Context, n int) (string, error) {
	root := filepath.Join(r.dir, "image-"+strconv.Itoa(n))
	if path, ok := r.decodeImage(n, root); ok {
		return path, nil
	}
	args := []string{"-tiff", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n)}
	if jpegKept(r.images[n].largest) {
		args = append(args, "-j")
	}
	if r.password != "" {
		args = append(args, "-upw", r.password)
	}
	args = append(args, r.in, root)
	if err := run(ctx, r.c.Pdfimages, args, nil); err != nil {
		return "", err
	}
	// Numbered from 0 on the page; a soft mask, if any, comes after.
	files, _ := filepath.Glob(root + "-*")
	slices.Sort(files)
	if len(files) == 0 {
		return "", fmt.Errorf("pdfimages wrote no image of page %d", n)
	}
	for _, f := range files[1:] {
		os.Remove(f)
	}
	return files[0], nil
}

// explain names the page and, when its time ran out, the limit.
func (r *recognizer) explain(ctx context.Context, n int, timeout time.Duration, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("page %d: recognition took longer than %s", n, timeout)
	}
	return fmt.Errorf("page %d: %w", n, err)
}

// render writes page n as a grey-scale PGM (in colour, a PPM) at dpi
// and returns its path. PGM costs no compression: Tesseract reads it at
// once.
func (r *recognizer) render(ctx context.Context, n, dpi int, colour bool) (string, error) {
	root := filepath.Join(r.dir, "page-"+strconv.Itoa(n))
	args := []string{"-r", strconv.Itoa(dpi), "-singlefile", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n)}
	ext := ".ppm"
	if !colour {
		args, ext = append(args, "-gray"), ".pgm"
	}
	if r.password != "" {
		args = append(args, "-upw", r.password)
	}
	args = append(args, r.in, root)
	if err := run(ctx, r.c.Pdftoppm, args, nil); err != nil {
		return "", err
	}
	return root + ext, nil
}

// recognise runs Tesseract on an image with the given languages.
func (r *recognizer) recognise(ctx context.Context, img string, dpi int, lang string) (page, error) {
	var out bytes.Buffer
	args := []string{img, "stdout", "--dpi", strconv.Itoa(dpi), "-l", lang, "--psm", "3", "tsv"}
	if err := run(ctx, r.c.Tesseract, args, &out); err != nil {
		return page{}, err
	}
	return parseTSV(out.Bytes(), dpi), nil
}

// run runs a tool, killed when ctx ends. Tesseract runs single-threaded:
// normtag recognises as many pages at once as it has extraction workers,
// and OpenMP threads on top of those only compete for the same cores.
func run(ctx context.Context, tool string, args []string, stdout *bytes.Buffer) error {
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	if stdout != nil {
		cmd.Stdout = stdout // a nil *bytes.Buffer is not a nil io.Writer
	}
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := lastLine(stderr.String())
		if msg == "" {
			return fmt.Errorf("%s: %w", filepath.Base(tool), err)
		}
		return fmt.Errorf("%s: %w: %s", filepath.Base(tool), err, msg)
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// pageImage is what pdfimages -list says of a page's images.
type pageImage struct {
	// count is the number of images (not masks) on the page; any counts
	// stencil masks too (some scans are drawn as one).
	count, any int
	// dpi is the resolution of the largest; square when its horizontal
	// and vertical resolutions agree.
	dpi    int
	square bool
	// largest describes the largest image as pdfimages lists it.
	largest listedImage
}

// listedImage is one row of pdfimages -list: the image's size in
// pixels, its colour space (gray, rgb, cmyk, icc, index...), components,
// bits per component and encoding (image, jpeg, jbig2, ccitt, jpx).
type listedImage struct {
	width, height, comp, bpc int
	color, enc               string
}

// pageImages reads, with pdfimages -list, the images of each page, so
// that a scan is read at the resolution it was scanned at: no detail is
// invented or lost. Failures leave pages rendered at DefaultDPI.
func pageImages(ctx context.Context, pdfimages, in, password string) map[int]pageImage {
	args := []string{"-list"}
	if password != "" {
		args = append(args, "-upw", password)
	}
	args = append(args, in)
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := run(ctx, pdfimages, args, &out); err != nil {
		return nil
	}
	pages := map[int]pageImage{}
	area := map[int]int{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
		if len(f) < 14 || (f[2] != "image" && f[2] != "stencil") {
			continue
		}
		page, err1 := strconv.Atoi(f[0])
		w, err2 := strconv.Atoi(f[3])
		h, err3 := strconv.Atoi(f[4])
		x, err4 := strconv.Atoi(f[12])
		y, err5 := strconv.Atoi(f[13])
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
			continue
		}
		pi := pages[page]
		pi.any++
		if f[2] != "image" {
			pages[page] = pi
			continue
		}
		pi.count++
		if w*h > area[page] {
			area[page] = w * h
			pi.dpi = clampDPI(max(x, y))
			pi.square = abs(x-y) <= 1 && x >= 100
			comp, _ := strconv.Atoi(f[6])
			bpc, _ := strconv.Atoi(f[7])
			pi.largest = listedImage{width: w, height: h, comp: comp, bpc: bpc, color: f[5], enc: f[8]}
		}
		pages[page] = pi
	}
	return pages
}

func abs(n int) int { return max(n, -n) }

// clampDPI keeps a page's rendering resolution where Tesseract reads
// well and a page's image stays a few tens of megabytes.
func clampDPI(d int) int { return min(max(d, 150), 600) }
