// Package scanpdf makes image-only PDFs — what a scanner produces — for
// the OCR tests and benchmark: page images wrapped into PDF pages with no
// text layer, and the degradations of a cheap scan (skew, speckle noise).
package scanpdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/normtag/normtag/internal/pdfgen"
)

// Write writes a PDF with one page per image, each page the image's size
// at dpi, holding only the image (grey, Flate-compressed): no fonts, no
// text.
func Write(w io.Writer, pages []*image.Gray, dpi int) error {
	o := pdfgen.NewObjects()
	var kids []int
	for _, img := range pages {
		im := pdfgen.AddImage(o, img)
		wpt, hpt := pdfgen.ImageSize(img, dpi)
		content := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", wpt, hpt)
		c := o.Add(fmt.Appendf(nil, "<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content))
		kids = append(kids, o.Add(fmt.Appendf(nil, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R /Resources << /XObject << /Im0 %d 0 R >> >> >>", wpt, hpt, c, im)))
	}
	return o.Finish(w, kids, 0)
}

// WriteFile writes Write's PDF to path.
func WriteFile(path string, pages []*image.Gray, dpi int) error {
	var b bytes.Buffer
	if err := Write(&b, pages, dpi); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadPNG reads a PNG as a grey image.
func ReadPNG(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	if g, ok := img.(*image.Gray); ok {
		return g, nil
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g, nil
}

// WritePNG writes a grey image as PNG.
func WritePNG(path string, img *image.Gray) error {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Degrade returns img as a cheap scan would give it: turned by degrees
// (bilinear, white filling the corners) and speckled, each pixel moved
// by Gaussian noise of the given standard deviation (grey levels) and a
// share `salt` of pixels flipped to black or white. The same seed gives
// the same image.
func Degrade(img *image.Gray, degrees, noise, salt float64, seed uint64) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(b)
	sin, cos := math.Sincos(degrees * math.Pi / 180)
	cx, cy := float64(b.Min.X+b.Max.X)/2, float64(b.Min.Y+b.Max.Y)/2
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	at := func(x, y int) float64 {
		if x < b.Min.X || y < b.Min.Y || x >= b.Max.X || y >= b.Max.Y {
			return 255
		}
		return float64(img.Pix[img.PixOffset(x, y)])
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			// The source point that lands here once turned.
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := cx+dx*cos+dy*sin, cy-dx*sin+dy*cos
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
			v += rng.NormFloat64() * noise
			if r := rng.Float64(); r < salt/2 {
				v = 0
			} else if r < salt {
				v = 255
			}
			out.SetGray(x, y, color.Gray{Y: uint8(min(max(v, 0), 255))})
		}
	}
	return out
}
