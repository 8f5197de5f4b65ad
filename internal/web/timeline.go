package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/normtag/normtag/internal/matrix"
	"github.com/normtag/normtag/internal/norms"
)

// normColours are the norms' colours, as style.css draws their borders.
var normColours = map[string]string{
	"a": "#8e6bbf", "b": "#5b8fd1", "c": "#3aa0a0", "d": "#c0504d", "e": "#e08a2c", "f": "#b8312f",
	"g": "#2f8f46", "h": "#6b8e23", "i": "#8a6d3b", "j": "#d4a017", "k": "#4b4b8f",
}

// Size of the timeline chart, in SVG units (it scales to the page).
const (
	chartWidth, chartHeight      = 760.0, 340.0
	chartLeft, chartRight        = 52.0, 110.0
	chartTop, chartBottom        = 16.0, 34.0
	chartPoint, chartGridPercent = 4.5, 5
)

// timelineSVG draws a year × norm matrix as a line chart, one line per
// norm with any passages, drawn on the server: no script, nothing
// loaded from elsewhere. Every point links to its passages and names its
// count and share in a tooltip (an SVG title). With counts, the y axis
// counts passages instead of shares.
func timelineSVG(m *matrix.Matrix, counts bool) template.HTML {
	if len(m.Rows) == 0 {
		return ""
	}
	value := func(r matrix.Row, i int) float64 {
		if counts {
			return float64(r.Counts[i])
		}
		return r.Share(i) * 100
	}
	top := 0.0
	for _, r := range m.Rows {
		for i := range m.Norms {
			top = max(top, value(r, i))
		}
	}
	step := niceStep(top)
	if counts {
		step = math.Max(1, math.Round(step))
	}
	top = math.Max(step, math.Ceil(top/step)*step)
	plotW, plotH := chartWidth-chartLeft-chartRight, chartHeight-chartTop-chartBottom
	x := func(i int) float64 {
		if len(m.Rows) == 1 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(i)/float64(len(m.Rows)-1)
	}
	y := func(v float64) float64 { return chartTop + plotH*(1-v/top) }
	esc := template.HTMLEscapeString
	var b strings.Builder
	unit := "share of the year's passages"
	if counts {
		unit = "passages"
	}
	fmt.Fprintf(&b, `<svg id="timeline" class="timeline" viewBox="0 0 %g %g" role="img" aria-label="%s per norm and year" xmlns="http://www.w3.org/2000/svg">`, chartWidth, chartHeight, esc(unit))
	for v := 0.0; v <= top+step/2; v += step {
		label := fmt.Sprintf("%g%%", v)
		if counts {
			label = fmt.Sprintf("%g", v)
		}
		fmt.Fprintf(&b, `<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#e3e3e3"/>`, chartLeft, chartLeft+plotW, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" font-size="11" fill="#555">%s</text>`, chartLeft-6, y(v)+4, label)
	}
	for i, r := range m.Rows {
		fmt.Fprintf(&b, `<text class="year" x="%.1f" y="%g" text-anchor="middle" font-size="12" fill="#333">%s</text>`, x(i), chartHeight-chartBottom+20, esc(r.Labels[0]))
	}
	legend := 0
	for n, l := range m.Norms {
		any := false
		for _, r := range m.Rows {
			any = any || r.Counts[n] > 0
		}
		if !any {
			continue
		}
		colour := normColours[l]
		info, _ := norms.ByLetter(l)
		fmt.Fprintf(&b, `<g class="norm n-%s">`, l)
		var pts []string
		for i, r := range m.Rows {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(value(r, n))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, colour, strings.Join(pts, " "))
		for i, r := range m.Rows {
			tip := fmt.Sprintf("(%s) %s, %s: %d of %d passages (%s)", l, info.Short, r.Labels[0], r.Counts[n], r.Passages, matrix.Percent(r.Share(n)))
			circle := fmt.Sprintf(`<circle class="point" cx="%.1f" cy="%.1f" r="%g" fill="%s" data-norm="%s" data-year="%s" data-count="%d"><title>%s</title></circle>`,
				x(i), y(value(r, n)), chartPoint, colour, l, esc(r.Labels[0]), r.Counts[n], esc(tip))
			if href := searchHref(r.Search[n]); href != "" {
				fmt.Fprintf(&b, `<a href="%s">%s</a>`, esc(href), circle)
			} else {
				b.WriteString(circle)
			}
		}
		ly := chartTop + 8 + 18*float64(legend)
		fmt.Fprintf(&b, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/><text x="%g" y="%.1f" font-size="12" fill="#333">(%s)<title>%s</title></text>`,
			chartWidth-chartRight+14, chartWidth-chartRight+34, ly, ly, colour, chartWidth-chartRight+40, ly+4, l, esc(info.Short))
		legend++
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceStep is a grid step of 1, 2 or 5 times a power of ten that splits
// 0..top into at most about six parts.
func niceStep(top float64) float64 {
	if top <= 0 {
		return chartGridPercent
	}
	raw := top / 6
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*p >= raw {
			return f * p
		}
	}
	return 10 * p
}
