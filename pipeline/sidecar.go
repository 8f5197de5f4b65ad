package pipeline

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
)

// SidecarFile is the name of the per-folder metadata file an analyst can
// supply. Its header names the columns; "file" is required, and the others
// (submitter, submitter_type, country, date, title, language, author) are
// stored as document metadata, overriding what extraction found.
const SidecarFile = "metadata.csv"

// sidecarColumns are the metadata columns read from a sidecar.
var sidecarColumns = map[string]bool{
	"submitter": true, "submitter_type": true, "country": true, "date": true,
	"title": true, "language": true, "author": true,
}

// SidecarDateForms are the date forms a sidecar's date column accepts;
// others are refused with a warning, never guessed ("12/11/2018" is the
// 12th of November or the 11th of December).
var SidecarDateForms = []string{"2021-11-12", "2021-11", "2021", "12 November 2021", "November 12, 2021", "November 2021"}

// sidecarDateLayouts parse SidecarDateForms, each with the precision it
// stores.
var sidecarDateLayouts = []struct{ in, out string }{
	{"2006-01-02", "2006-01-02"}, {"2006-01", "2006-01"}, {"2006", "2006"},
	{"2 January 2006", "2006-01-02"}, {"January 2, 2006", "2006-01-02"}, {"January 2006", "2006-01"},
}

// SidecarWarning is a problem in a metadata.csv: the row or value is
// skipped and everything else is used, so a bad value never erases a
// good one from the file itself.
type SidecarWarning struct {
	// File is the metadata.csv's path.
	File string `json:"file"`
	// Line is the line of the file the row starts on (the header is 1).
	Line int `json:"line"`
	// Column is the column at fault, "" for the whole row.
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (w SidecarWarning) String() string {
	if w.Column == "" {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	}
	return fmt.Sprintf("%s:%d: column %s: %s", w.File, w.Line, w.Column, w.Message)
}

// sidecars loads and caches metadata.csv files by folder, and reports
// each file's warnings once, when it is first read.
type sidecars struct {
	mu     sync.Mutex
	byDir  map[string]map[string]map[string]string // dir → file name → field → value
	onWarn func(SidecarWarning)
}

func newSidecars(onWarn func(SidecarWarning)) *sidecars {
	return &sidecars{byDir: map[string]map[string]map[string]string{}, onWarn: onWarn}
}

// For returns a copy of the sidecar metadata for the file at path, if its
// folder has a sidecar naming it. The sidecar's warnings, and the error
// that stopped its parsing if any (the rows before it are used), go to
// onWarn once, when the folder's sidecar is first read.
func (s *sidecars) For(path string) map[string]string {
	dir, name := filepath.Split(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, ok := s.byDir[dir]
	if !ok {
		sidecar := filepath.Join(dir, SidecarFile)
		var warnings []SidecarWarning
		var err error
		rows, warnings, err = readSidecar(sidecar)
		s.byDir[dir] = rows
		if err != nil {
			warnings = append(warnings, SidecarWarning{File: sidecar, Message: err.Error() + "; rows after this point are ignored"})
		}
		for _, w := range warnings {
			if s.onWarn != nil {
				s.onWarn(w)
			}
		}
	}
	if rows[name] == nil {
		return nil
	}
	out := make(map[string]string, len(rows[name]))
	for k, v := range rows[name] {
		out[k] = v
	}
	return out
}

// readSidecar parses and checks a sidecar against its folder; a missing
// file is no error.
func readSidecar(path string) (map[string]map[string]string, []SidecarWarning, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	dir := filepath.Dir(path)
	return checkSidecar(f, path, func(name string) bool {
		_, err := os.Stat(filepath.Join(dir, name))
		return err == nil
	})
}

// parseSidecar parses the sidecar text in r; path names it in errors.
// Rows are keyed by file name and hold the known columns' non-empty,
// trimmed values.
func parseSidecar(in io.Reader, path string) (map[string]map[string]string, error) {
	rows, _, err := checkSidecar(in, path, nil)
	return rows, err
}

// checkSidecar parses a sidecar and warns about unknown columns, rows
// without a file, rows naming a file exists says is absent (exists may be
// nil: no check), duplicate rows (the first stands) and dates in none of
// SidecarDateForms (the value is dropped).
func checkSidecar(in io.Reader, path string, exists func(name string) bool) (map[string]map[string]string, []SidecarWarning, error) {
	r := csv.NewReader(stripBOM(in))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("read %s header: %w", path, err)
	}
	var warnings []SidecarWarning
	warn := func(line int, column, format string, args ...any) {
		warnings = append(warnings, SidecarWarning{File: path, Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
	}
	fileCol := -1
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		switch {
		case header[i] == "file" && fileCol < 0:
			fileCol = i
		case header[i] == "file":
			warn(1, "file", "a second file column; only the first is read")
		case header[i] == "":
			warn(1, fmt.Sprint(i+1), "a column without a name; its values are ignored")
		case !sidecarColumns[header[i]]:
			warn(1, header[i], "unknown column, ignored (known: file, %s)", strings.Join(knownColumns(), ", "))
		}
	}
	if fileCol < 0 {
		return nil, warnings, fmt.Errorf("%s: no \"file\" column in header %q", path, strings.Join(header, ","))
	}
	out := map[string]map[string]string{}
	firstLine := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, warnings, nil
		}
		if err != nil {
			return out, warnings, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		// Rows are matched by file name; a cell that has none ("/",
		// "..") can never match.
		cell := ""
		if fileCol < len(rec) {
			cell = strings.TrimSpace(rec[fileCol])
		}
		name := filepath.Base(cell)
		if cell == "" || name == "." || name == ".." || name == string(filepath.Separator) {
			warn(line, "file", "no file name; row ignored")
			continue
		}
		if prev, dup := firstLine[name]; dup {
			warn(line, "file", "%s is already described on line %d; this row is ignored", name, prev)
			continue
		}
		firstLine[name] = line
		if exists != nil && !exists(name) {
			warn(line, "file", "%s is not in this folder; row ignored", name)
			continue
		}
		row := map[string]string{}
		for i, v := range rec {
			if i >= len(header) || !sidecarColumns[header[i]] {
				continue
			}
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if header[i] == "date" {
				d, ok := sidecarDate(v)
				if !ok {
					warn(line, "date", "%q is not a date in an accepted form (%s); the file's own date is kept", v, strings.Join(SidecarDateForms, ", "))
					continue
				}
				v = d
			}
			row[header[i]] = v
		}
		out[name] = row
	}
}

// sidecarDate normalises a date written in one of SidecarDateForms.
func sidecarDate(v string) (string, bool) {
	for _, l := range sidecarDateLayouts {
		if t, err := time.Parse(l.in, v); err == nil {
			return t.Format(l.out), true
		}
	}
	return "", false
}

func knownColumns() []string {
	out := make([]string, 0, len(sidecarColumns))
	for c := range sidecarColumns {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// CheckMetadata reads every metadata.csv under paths (folders are walked
// as ingest walks them; a file stands for its folder) and returns their
// warnings, without reading any document or touching a data directory.
// A sidecar that cannot be parsed at all is returned as an error in errs,
// and the check goes on.
func CheckMetadata(ctx context.Context, paths []string) (checked []string, warnings []SidecarWarning, errs []error) {
	seen := map[string]bool{}
	check := func(sidecar string) {
		if seen[sidecar] {
			return
		}
		seen[sidecar] = true
		if _, err := os.Stat(sidecar); err != nil {
			return
		}
		checked = append(checked, sidecar)
		_, ws, err := readSidecar(sidecar)
		warnings = append(warnings, ws...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", root, err))
			continue
		}
		if !info.IsDir() {
			check(filepath.Join(filepath.Dir(root), SidecarFile))
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				return nil // unreadable folders are ingest's to report
			}
			if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && d.Name() == SidecarFile {
				check(p)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return checked, warnings, errs
}

// sidecarSources marks the fields a sidecar sets as coming from it.
func sidecarSources(meta map[string]string) {
	for field, key := range map[string]string{"title": corpus.TitleSource, "date": corpus.DateSource, "submitter": corpus.SubmitterSource} {
		if meta[field] != "" {
			meta[key] = corpus.SourceSidecar
		}
	}
}

// stripBOM skips a UTF-8 byte order mark, which Excel writes.
func stripBOM(r io.Reader) io.Reader {
	buf := make([]byte, 3)
	n, _ := io.ReadFull(r, buf)
	if n == 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF {
		return r
	}
	return io.MultiReader(strings.NewReader(string(buf[:n])), r)
}
