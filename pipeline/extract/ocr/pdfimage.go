package ocr

import (
	"bufio"
	"image"
	"io"
	"os"
	"sync"

	lpdf "github.com/ledongthuc/pdf"
	"golang.org/x/image/tiff"

	"github.com/normtag/normtag/pipeline/extract/pdf"
)

// maxDecodedImage bounds the pixels decodeImage holds in memory; a
// larger image is left to pdfimages, which streams it.
const maxDecodedImage = 256 << 20

// imageDecoder takes a scanned page's image out of the PDF in process,
// sparing the pdfimages child process its own parse of the file and its
// TIFF encoding: on a one-page scan those cost about a tenth of what
// Tesseract does. It handles the common lossless case — 8-bit grey
// samples, unfiltered or Flate-compressed — and writes them as an
// uncompressed TIFF (Tesseract reads a PGM of the same pixels a tenth
// slower); anything else
// (colour, JPEG, CCITT, JBIG2, JPEG 2000, a /Decode
// array, an image inside a Form XObject, an encrypted or damaged file)
// is left to pdfimages. The reader is shared by the document's pages,
// one at a time.
type imageDecoder struct {
	mu     sync.Mutex
	opened bool
	reader *lpdf.Reader
}

// decodeImage writes page n's one image as root.tif (uncompressed, as
// pdfimages -tiff would) when it can and reports whether it did.
func (r *recognizer) decodeImage(n int, root string) (string, bool) {
	im := r.images[n].largest
	if r.password != "" || im.enc != "image" || im.bpc != 8 || im.comp != 1 ||
		(im.color != "gray" && im.color != "icc") ||
		im.width <= 0 || im.height <= 0 || im.width*im.height*im.comp > maxDecodedImage {
		return "", false
	}
	d := &r.decoded
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.opened {
		d.opened = true
		d.reader = openForImages(r.pdf)
	}
	if d.reader == nil {
		return "", false
	}
	pixels, ok := pageImagePixels(d.reader, n, im)
	if !ok {
		return "", false
	}
	img := &image.Gray{Pix: pixels, Stride: im.width, Rect: image.Rect(0, 0, im.width, im.height)}
	path := root + ".tif"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return "", false
	}
	w := bufio.NewWriterSize(f, 1<<20)
	werr := tiff.Encode(w, img, nil)
	if werr == nil {
		werr = w.Flush()
	}
	if cerr := f.Close(); werr != nil || cerr != nil {
		os.Remove(path)
		return "", false
	}
	return path, true
}

// openForImages opens the PDF when it opens without repairs, or returns
// nil (pdfimages then does the work).
func openForImages(data []byte) (reader *lpdf.Reader) {
	defer func() {
		if recover() != nil {
			reader = nil
		}
	}()
	rd, err := pdf.OpenPlain(data)
	if err != nil {
		return nil
	}
	return rd
}

// pageImagePixels returns the samples of the image XObject of page n
// that has the listed size, when the page's own resources hold it and
// its samples are plain 8-bit grey. The PDF parser panics on what
// it does not support: that too means "no".
func pageImagePixels(rd *lpdf.Reader, n int, im listedImage) (pixels []byte, ok bool) {
	defer func() {
		if recover() != nil {
			pixels, ok = nil, false
		}
	}()
	if n < 1 || n > rd.NumPage() {
		return nil, false
	}
	xobjects := rd.Page(n).Resources().Key("XObject")
	var found lpdf.Value
	matches := 0
	for _, name := range xobjects.Keys() {
		x := xobjects.Key(name)
		if x.Key("Subtype").Name() == "Image" && int(x.Key("Width").Int64()) == im.width && int(x.Key("Height").Int64()) == im.height {
			found = x
			matches++
		}
	}
	if matches != 1 || !plainSamples(found, im.comp) {
		return nil, false
	}
	want := im.width * im.height * im.comp
	rc := found.Reader()
	defer rc.Close()
	pixels = make([]byte, want)
	if _, err := io.ReadFull(rc, pixels); err != nil {
		return nil, false
	}
	return pixels, true
}

// plainSamples reports whether an image's samples can be written out as
// they are: 8 bits, comp components in a grey or RGB space, no /Decode
// mapping, not a mask, and only Flate (or no) compression without a
// predictor.
func plainSamples(x lpdf.Value, comp int) bool {
	if x.Key("BitsPerComponent").Int64() != 8 || x.Key("ImageMask").Bool() || !x.Key("Decode").IsNull() ||
		!x.Key("DecodeParms").IsNull() { // predictors: the parser knows one, for one component
		return false
	}
	switch cs := x.Key("ColorSpace"); cs.Kind() {
	case lpdf.Name:
		if (cs.Name() != "DeviceGray" || comp != 1) && (cs.Name() != "DeviceRGB" || comp != 3) {
			return false
		}
	case lpdf.Array:
		if cs.Index(0).Name() != "ICCBased" || int(cs.Index(1).Key("N").Int64()) != comp {
			return false
		}
	default:
		return false
	}
	filter := x.Key("Filter")
	switch filter.Kind() {
	case lpdf.Null:
		return true
	case lpdf.Name:
		return filter.Name() == "FlateDecode"
	case lpdf.Array:
		return filter.Len() == 1 && filter.Index(0).Name() == "FlateDecode"
	}
	return false
}

// jpegKept reports whether pdfimages should write an image's JPEG data as
// it is stored (-j): Tesseract decodes it as it would the TIFF pdfimages
// would otherwise decode and re-encode. Only grey and RGB JPEGs: CMYK
// ones are stored inverted by some producers.
func jpegKept(im listedImage) bool {
	return im.enc == "jpeg" && im.bpc == 8 && (im.comp == 1 || im.comp == 3) &&
		(im.color == "gray" || im.color == "rgb" || im.color == "icc")
}
