package matrix

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/normtag/normtag/internal/export"
)

// Formats a matrix is written in; the first is the command line's
// default.
var Formats = []string{"text", "csv", "json"}

// Write writes the matrix in a format of Formats. Text shows shares as
// percentages, or counts when byCount; CSV and JSON carry both.
func (m *Matrix) Write(w io.Writer, format string, byCount bool) error {
	switch format {
	case "csv":
		return m.WriteCSV(w)
	case "json":
		return m.WriteJSON(w)
	case "text", "":
		return m.WriteText(w, byCount)
	}
	return fmt.Errorf("format must be one of %s, got %q", strings.Join(Formats, ", "), format)
}

// WriteCSV writes one line per row: its labels, its passages, the count
// of each norm, then the share of each norm (0 to 1). Cells from the
// documents are made safe for spreadsheets (export.SafeCell).
func (m *Matrix) WriteCSV(w io.Writer) error {
	cw := sheet{csv.NewWriter(w)}
	cw.w.UseCRLF = true
	header := append(append([]string{}, m.Labels...), "passages")
	header = append(header, m.Norms...)
	for _, l := range m.Norms {
		header = append(header, l+"_share")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range m.Rows {
		rec := append([]string{}, r.Labels...)
		rec = append(rec, strconv.Itoa(r.Passages))
		for _, c := range r.Counts {
			rec = append(rec, strconv.Itoa(c))
		}
		for i := range r.Counts {
			rec = append(rec, strconv.FormatFloat(r.Share(i), 'f', 4, 64))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// jsonRow is a row as JSON: counts and shares by norm letter.
type jsonRow struct {
	Labels   map[string]string  `json:"labels"`
	Passages int                `json:"passages"`
	Counts   map[string]int     `json:"counts"`
	Shares   map[string]float64 `json:"shares"`
	// Search holds, by norm, the URL query of the search that lists the
	// cell's passages (absent when none can); SearchAll lists the row's.
	Search    map[string]string `json:"search"`
	SearchAll string            `json:"search_all,omitempty"`
}

// JSON is the matrix as its JSON export shows it.
func (m *Matrix) JSON() any {
	rows := make([]jsonRow, 0, len(m.Rows))
	for _, r := range m.Rows {
		jr := jsonRow{Labels: map[string]string{}, Passages: r.Passages, Counts: map[string]int{}, Shares: map[string]float64{}, Search: map[string]string{}, SearchAll: r.All}
		for i, l := range m.Labels {
			jr.Labels[l] = r.Labels[i]
		}
		for i, n := range m.Norms {
			jr.Counts[n] = r.Counts[i]
			jr.Shares[n] = float64(int(r.Share(i)*1e4+0.5)) / 1e4
			if r.Search[i] != "" {
				jr.Search[n] = r.Search[i]
			}
		}
		rows = append(rows, jr)
	}
	return map[string]any{"kind": m.Kind, "labels": m.Labels, "norms": m.Norms, "counted_kinds": m.Counted, "filter": m.Filter,
		"undated": m.Undated, "rows": rows}
}

// WriteJSON writes the matrix as one JSON object (JSON).
func (m *Matrix) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(m.JSON())
}

// WriteText writes an aligned table for a terminal: shares as whole
// percentages, or counts.
func (m *Matrix) WriteText(w io.Writer, byCount bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := append(append([]string{}, m.Labels...), "passages")
	for _, l := range m.Norms {
		header = append(header, "("+l+")")
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, r := range m.Rows {
		cells := make([]string, 0, len(header))
		for _, l := range r.Labels {
			if l == "" {
				l = "—"
			}
			cells = append(cells, oneLine(l))
		}
		cells = append(cells, strconv.Itoa(r.Passages))
		for i, c := range r.Counts {
			if byCount {
				cells = append(cells, strconv.Itoa(c))
			} else {
				cells = append(cells, Percent(r.Share(i)))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	if m.Undated > 0 {
		fmt.Fprintf(tw, "undated passages left out: %d\t\n", m.Undated)
	}
	return tw.Flush()
}

// Percent writes a share as a whole percentage, "<1%" for a small one
// that is not none.
func Percent(share float64) string {
	switch {
	case share == 0:
		return "0%"
	case share < 0.005:
		return "<1%"
	}
	return strconv.Itoa(int(share*100+0.5)) + "%"
}

// sheet writes CSV records with every cell made safe for spreadsheets.
type sheet struct{ w *csv.Writer }

func (s sheet) Write(rec []string) error {
	for i, c := range rec {
		rec[i] = export.SafeCell(c)
	}
	return s.w.Write(rec)
}

func (s sheet) Flush() error {
	s.w.Flush()
	return s.w.Error()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
