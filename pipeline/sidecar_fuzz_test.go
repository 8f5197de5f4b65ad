package pipeline

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReadSidecar parses (as readSidecar does after opening the file) any bytes as a metadata.csv. It must not panic,
// and what it returns must be what ingest can use: rows keyed by a bare
// file name, holding only the known columns, with trimmed non-empty
// values.
func FuzzReadSidecar(f *testing.F) {
	for _, s := range []string{
		"file,submitter,submitter_type,country,date,title\nrep.pdf,Estonia,state,EE,2021-05-01,National views\n",
		"\xef\xbb\xbfFile ; Title\na.pdf;x\n",
		"\xef\xbb\xbffile,title\n\"a.pdf\",\"multi\nline\"\n",
		"title,file\nT,../../etc/passwd\nU,sub/dir/b.docx\n,\n",
		"file,title\n\"unclosed,x\n",
		"submitter\nno file column\n",
		"",
		"\xef\xbb",
		"file,file,title\na,b,c\n",
		"file,title,extra\nx.pdf, spaced ,1,2,3\n.,t\n/,t\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join("folder", SidecarFile)
		rows, err := parseSidecar(bytes.NewReader(data), path)
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Fatalf("error %q does not name the file", err)
		}
		for name, row := range rows {
			if name == "" || name == "." || name == string(filepath.Separator) || strings.ContainsRune(name, filepath.Separator) || name != filepath.Base(name) {
				t.Fatalf("row keyed by %q, not a file name", name)
			}
			for col, v := range row {
				if !sidecarColumns[col] {
					t.Fatalf("%s: unknown column %q kept", name, col)
				}
				if v == "" || v != strings.TrimSpace(v) {
					t.Fatalf("%s: %s value %q is empty or untrimmed", name, col, v)
				}
				if !utf8.ValidString(v) && utf8.Valid(data) {
					t.Fatalf("%s: %s value %q invalid UTF-8 from valid input", name, col, v)
				}
			}
		}
	})
}
