package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig of pictures, for their resolution
	_ "image/jpeg"
	_ "image/png"
	"io"
	"path"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// picture is a picture the main document part shows.
type picture struct {
	page  int    // index of its page in docx.pages
	rel   string // relationship id of its image part
	width int64  // shown width in EMU (914,400 an inch), 0 when unknown
}

// maxPictures bounds the pictures of one document read by OCR.
const maxPictures = 2000

// emuPerInch is how many English Metric Units make an inch.
const emuPerInch = 914_400

// ocrFormats are the picture formats Tesseract reads, by extension.
var ocrFormats = map[string]bool{"png": true, "jpg": true, "jpeg": true, "tif": true, "tiff": true, "gif": true, "bmp": true}

// seePicture records a picture of the main part on the page being read.
func (d *docx) seePicture(part, rel string) {
	if part != d.mainPart || rel == "" || len(d.pictures) >= maxPictures {
		return
	}
	d.pictures = append(d.pictures, picture{page: len(d.pages), rel: rel, width: d.extentCx})
	d.curImages++
}

// recognizePictures reads by OCR the pictures of the pages that have no
// words of their own (a scanned page pasted into Word), or of every page
// with ocr.Always, which adds what they say after the page's text. The
// pages read are flagged as for a PDF; pictures that cannot be read are
// counted in MetaOCRMissed.
func (d *docx) recognizePictures(ctx context.Context, doc *corpus.Document, opts Options) error {
	c := opts.OCR
	if !c.Ready() || len(d.pictures) == 0 {
		return nil
	}
	var want []picture
	var blank []int
	for _, p := range d.pictures {
		if p.page >= len(doc.Pages) {
			continue
		}
		if c.Mode == ocr.Always || !pageHasWords(doc.Pages[p.page].Text) {
			want = append(want, p)
			if len(blank) == 0 || blank[len(blank)-1] != p.page+1 {
				blank = append(blank, p.page+1)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	targets, err := d.relationships(d.mainPart)
	if err != nil {
		return err
	}
	var images []ocr.Image
	var pages []int // the page index of each image
	for _, p := range want {
		target, ok := targets[p.rel]
		ext := strings.TrimPrefix(strings.ToLower(path.Ext(target)), ".")
		if !ok || !ocrFormats[ext] {
			continue // a chart, an EMF drawing, an external link
		}
		data, err := d.readPart(target)
		if errors.Is(err, errMissingPart) {
			continue // a dangling reference: nothing to read
		}
		if err != nil {
			return err
		}
		images = append(images, ocr.Image{Data: data, Ext: ext, DPI: shownDPI(data, p.width)})
		pages = append(pages, p.page)
	}
	if len(images) == 0 {
		return nil
	}
	if c.Langs == "" {
		if pack := textLayerPack(doc, blank, c.Installed); pack != "" {
			c.Langs = pack
		}
	}
	if opts.OnOCR != nil {
		opts.OnOCR(len(images))
	}
	res, err := ocr.ReadImages(ctx, c, images)
	if err != nil {
		return err
	}
	// Each page gets its pictures' text in order, and their mean
	// confidence weighted by words.
	texts := map[int][]string{}
	words := map[int]int{}
	confSum := map[int]float64{}
	for _, p := range res.Pages {
		i := pages[p.Number-1]
		if strings.TrimSpace(p.Text) == "" {
			continue
		}
		texts[i] = append(texts[i], strings.TrimSpace(p.Text))
		words[i] += p.Words
		confSum[i] += p.Confidence * float64(max(p.Words, 1))
	}
	var done []corpus.OCRPage
	for i := range doc.Pages {
		if len(texts[i]) == 0 {
			continue
		}
		text := strings.Join(texts[i], "\n\n")
		if c.Mode == ocr.Always && pageHasWords(doc.Pages[i].Text) {
			text = strings.TrimRight(doc.Pages[i].Text, "\n") + "\n\n" + text
		}
		doc.Pages[i].Text = text
		done = append(done, corpus.OCRPage{Page: i + 1, Confidence: confSum[i] / float64(max(words[i], 1))})
	}
	doc.SetOCR(done, res.Lang)
	if len(res.Missed) > 0 {
		doc.Meta[MetaOCRMissed] = fmt.Sprintf("%d picture(s) not recognised; %s", len(res.Missed), res.Problem)
	}
	return nil
}

// shownDPI is the resolution a picture is shown at: its width in pixels
// over its shown width in inches; 0 when either is unknown.
func shownDPI(data []byte, widthEMU int64) int {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || widthEMU <= 0 || cfg.Width <= 0 {
		return 0
	}
	return int(float64(cfg.Width) / (float64(widthEMU) / emuPerInch))
}

// relationships reads a part's relationships: id to the target part's
// name in the package. External targets are left out.
func (d *docx) relationships(part string) (map[string]string, error) {
	dir, base := path.Split(part)
	rc, err := d.open(dir + "_rels/" + base + ".rels")
	if errors.Is(err, errMissingPart) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.NewDecoder(rc).Decode(&rels); err != nil {
		return nil, xmlError(dir+"_rels/"+base+".rels", err)
	}
	out := map[string]string{}
	for _, r := range rels.Rel {
		if strings.EqualFold(r.Mode, "External") {
			continue
		}
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(dir, target)
		}
		out[r.ID] = target
	}
	return out, nil
}

// readPart reads a whole part, charged against the decompression budget.
func (d *docx) readPart(name string) ([]byte, error) {
	rc, err := d.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}
