package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// A folder of two HTML statements that declare their own dates, and a
// metadata.csv with one of each kind of mistake: an unknown column, a
// row naming a file that is not there, a date in an ambiguous form and a
// second row for a file already described.
const (
	statementA = `<!doctype html><html><head><title>Statement on critical infrastructure protection</title>` +
		`<meta name="author" content="Web team"><meta name="date" content="2019-10-01"></head>` +
		`<body><p>States should not damage critical infrastructure that provides services to the public.</p></body></html>`
	statementB = `<!doctype html><html><head><title>Statement on supply chain integrity and vulnerabilities</title>` +
		`<meta name="date" content="2020-03-02"></head>` +
		`<body><p>States should take steps to ensure the integrity of the supply chain.</p></body></html>`
	badSidecar = "file,submitter,date,title,colour\n" +
		"a.html,Republic of Examplia,12/11/2018,,blue\n" + // line 2: bad date
		"missing.pdf,Nobody,2020-01-01,,\n" + // line 3: no such file
		"b.html,Federation of Norland,November 2021,Norland on supply chains,\n" + // line 4: good
		"a.html,Someone Else,2017-01-01,,\n" // line 5: duplicate
)

func writeFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"a.html": statementA, "b.html": statementB, pipeline.SidecarFile: badSidecar} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// wantWarnings are the (line, column) of the folder's four mistakes.
var wantWarnings = []string{"1 colour", "2 date", "3 file", "5 file"}

func warningKeys(ws []pipeline.SidecarWarning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, strconv.Itoa(w.Line)+" "+w.Column)
	}
	sort.Strings(out)
	return out
}

// TestMetadataCSVWarnings: ingest reports each mistake once (the folder
// has two documents, each of which reads the sidecar), counts them in the
// summary, uses the good values, and a bad date does not erase the date
// the file declares.
func TestMetadataCSVWarnings(t *testing.T) {
	ctx := context.Background()
	dir := writeFolder(t)
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sum, err := pipeline.Ingest(ctx, d, []string{dir}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}}) // HTML this test wrote
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 2 {
		t.Fatalf("added %d, want 2 (failures %v)", sum.Added, sum.Failures)
	}
	if got := warningKeys(sum.MetadataWarnings); strings.Join(got, ",") != strings.Join(wantWarnings, ",") {
		t.Errorf("warnings at %v, want one at each of %v: %v", got, wantWarnings, sum.MetadataWarnings)
	}
	for _, w := range sum.MetadataWarnings {
		if w.Column == "date" && !strings.Contains(w.Message, "2021-11-12") {
			t.Errorf("the date warning does not list the accepted forms: %s", w)
		}
	}
	docs, err := d.Store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string]*corpus.Document{}
	for _, doc := range docs {
		byFile[doc.FileName] = doc
	}
	a, b := byFile["a.html"], byFile["b.html"]
	if a.Meta["date"] != "2019-10-01" || a.Meta[corpus.DateSource] != corpus.SourceFile {
		t.Errorf("a.html date %q (%s): the bad sidecar date erased the file's 2019-10-01", a.Meta["date"], a.Meta[corpus.DateSource])
	}
	if a.Submitter() != "Republic of Examplia" || a.Meta[corpus.SubmitterSource] != corpus.SourceSidecar {
		t.Errorf("a.html submitter %q (%s), want the first row's, from the sidecar", a.Submitter(), a.Meta[corpus.SubmitterSource])
	}
	if a.Title != "Statement on critical infrastructure protection" || a.Meta[corpus.TitleSource] != corpus.SourceFile {
		t.Errorf("a.html title %q (%s): an empty sidecar cell must not erase it", a.Title, a.Meta[corpus.TitleSource])
	}
	if b.Meta["date"] != "2021-11" || b.Title != "Norland on supply chains" || b.Meta[corpus.TitleSource] != corpus.SourceSidecar ||
		b.Meta[corpus.DateSource] != corpus.SourceSidecar {
		t.Errorf("b.html: date %q (%s), title %q (%s), want the sidecar's 2021-11 and title", b.Meta["date"], b.Meta[corpus.DateSource], b.Title, b.Meta[corpus.TitleSource])
	}

	// A second run over the unchanged files reports the same warnings,
	// once each, and changes nothing.
	sum, err = pipeline.Ingest(ctx, d, []string{dir}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}})
	if err != nil {
		t.Fatal(err)
	}
	if got := warningKeys(sum.MetadataWarnings); strings.Join(got, ",") != strings.Join(wantWarnings, ",") || sum.Unchanged != 2 {
		t.Errorf("second run: warnings at %v, %d unchanged", got, sum.Unchanged)
	}
}

// TestCheckMetadata finds the same warnings without a data directory.
func TestCheckMetadata(t *testing.T) {
	dir := writeFolder(t)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, pipeline.SidecarFile), []byte("file,title\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	checked, warnings, errs := pipeline.CheckMetadata(context.Background(), []string{dir})
	if len(errs) > 0 || len(checked) != 2 {
		t.Fatalf("checked %v, errors %v; want both sidecars read", checked, errs)
	}
	if got := warningKeys(warnings); strings.Join(got, ",") != strings.Join(wantWarnings, ",") {
		t.Errorf("warnings at %v, want %v", got, wantWarnings)
	}
	// A file stands for its folder.
	checked, warnings, _ = pipeline.CheckMetadata(context.Background(), []string{filepath.Join(dir, "a.html")})
	if len(checked) != 1 || len(warnings) != 4 {
		t.Errorf("checking via a file: %v, %d warnings", checked, len(warnings))
	}
}
