package pipeline

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// sidecars loads and caches metadata.csv files by folder.
type sidecars struct {
	mu    sync.Mutex
	byDir map[string]map[string]map[string]string // dir → file name → field → value
	errs  map[string]error
}

func newSidecars() *sidecars {
	return &sidecars{byDir: map[string]map[string]map[string]string{}, errs: map[string]error{}}
}

// For returns the sidecar metadata for the file at path, if its folder has
// a sidecar naming it. A malformed sidecar is reported once, as an error.
func (s *sidecars) For(path string) (map[string]string, error) {
	dir, name := filepath.Split(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	rows, ok := s.byDir[dir]
	if !ok {
		var err error
		rows, err = readSidecar(filepath.Join(dir, SidecarFile))
		s.byDir[dir] = rows
		if err != nil {
			s.errs[dir] = err
			return nil, err
		}
	}
	return rows[name], nil
}

// readSidecar parses a sidecar; a missing file is no error.
func readSidecar(path string) (map[string]map[string]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	return parseSidecar(f, path)
}

// parseSidecar parses the sidecar text in r; path names it in errors.
func parseSidecar(in io.Reader, path string) (map[string]map[string]string, error) {
	r := csv.NewReader(stripBOM(in))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s header: %w", path, err)
	}
	fileCol := -1
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		if header[i] == "file" {
			fileCol = i
		}
	}
	if fileCol < 0 {
		return nil, fmt.Errorf("%s: no \"file\" column in header %q", path, strings.Join(header, ","))
	}
	out := map[string]map[string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		if fileCol >= len(rec) || strings.TrimSpace(rec[fileCol]) == "" {
			continue
		}
		row := map[string]string{}
		for i, v := range rec {
			if i < len(header) && sidecarColumns[header[i]] {
				if v = strings.TrimSpace(v); v != "" {
					row[header[i]] = v
				}
			}
		}
		// Rows are matched by file name; a cell that has none ("/",
		// "..") can never match and is skipped.
		name := filepath.Base(strings.TrimSpace(rec[fileCol]))
		if name == "." || name == ".." || name == string(filepath.Separator) {
			continue
		}
		out[name] = row
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
