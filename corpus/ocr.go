package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// Meta keys that record which pages of a document were read by OCR
// (optical character recognition of page images) rather than from a text
// layer. They live in Meta, not in columns of their own, so a store of
// any schema keeps them; passages take their flag from their pages.
const (
	// MetaOCRPages lists the recognised pages as ranges: "1-3,7".
	MetaOCRPages = "ocr_pages"
	// MetaOCRConfidence is the mean word confidence of the recognised
	// pages, 0-100, with one decimal.
	MetaOCRConfidence = "ocr_confidence"
	// MetaOCRPageConfidence is each recognised page's mean word
	// confidence, rounded, space-separated in the order of MetaOCRPages;
	// left out when it would not fit in MaxFieldRunes.
	MetaOCRPageConfidence = "ocr_page_confidence"
	// MetaOCRLang is the Tesseract language setting used ("fra").
	MetaOCRLang = "ocr_lang"
)

// OCRPage is one recognised page's number and mean word confidence.
type OCRPage struct {
	Page       int
	Confidence float64
}

// SetOCR records the recognised pages (in page order) and the language
// in d.Meta; no pages removes the record.
func (d *Document) SetOCR(pages []OCRPage, lang string) {
	if d.Meta == nil {
		d.Meta = map[string]string{}
	}
	for _, k := range []string{MetaOCRPages, MetaOCRConfidence, MetaOCRPageConfidence, MetaOCRLang} {
		delete(d.Meta, k)
	}
	if len(pages) == 0 {
		return
	}
	nums := make([]int, len(pages))
	confs := make([]string, len(pages))
	var sum float64
	for i, p := range pages {
		nums[i] = p.Page
		confs[i] = strconv.Itoa(int(p.Confidence + 0.5))
		sum += p.Confidence
	}
	d.Meta[MetaOCRPages] = pageRanges(nums)
	d.Meta[MetaOCRConfidence] = strconv.FormatFloat(sum/float64(len(pages)), 'f', 1, 64)
	if c := strings.Join(confs, " "); len(c) <= MaxFieldRunes {
		d.Meta[MetaOCRPageConfidence] = c
	}
	if lang != "" {
		d.Meta[MetaOCRLang] = lang
	}
}

// OCRPages returns the recognised pages with their confidence (the
// document's mean where a page's own was not kept); nil when none.
func (d *Document) OCRPages() map[int]float64 {
	nums := parseRanges(d.Meta[MetaOCRPages])
	if len(nums) == 0 {
		return nil
	}
	mean, _ := strconv.ParseFloat(d.Meta[MetaOCRConfidence], 64)
	confs := strings.Fields(d.Meta[MetaOCRPageConfidence])
	out := make(map[int]float64, len(nums))
	for i, n := range nums {
		out[n] = mean
		if len(confs) == len(nums) {
			if c, err := strconv.ParseFloat(confs[i], 64); err == nil {
				out[n] = c
			}
		}
	}
	return out
}

// PassageOCR says whether passage p of d was read by OCR (any of its
// pages was) and the mean confidence of those pages. pages is
// d.OCRPages(), computed once for all of a document's passages.
func PassageOCR(pages map[int]float64, p Passage) (ocr bool, confidence float64) {
	if len(pages) == 0 {
		return false, 0
	}
	var sum float64
	n := 0
	for pg := p.Page; pg <= p.LastPage(); pg++ {
		if c, ok := pages[pg]; ok {
			sum += c
			n++
		}
	}
	if n == 0 {
		return false, 0
	}
	return true, sum / float64(n)
}

// pageRanges writes sorted page numbers as "1-3,7".
func pageRanges(nums []int) string {
	var b strings.Builder
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", nums[i], nums[j])
		} else {
			b.WriteString(strconv.Itoa(nums[i]))
		}
		i = j + 1
	}
	return b.String()
}

// parseRanges reads pageRanges' form; what it cannot read it skips.
func parseRanges(s string) []int {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a <= 0 {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a || b-a > 100_000 {
				continue
			}
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out
}
