package cite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/normtag/normtag/internal/cite/csltest"

	"github.com/normtag/normtag/index"
)

// cslSchema compiles the CSL-JSON schema vendored in testdata (see
// testdata/csl-data.README.md).
func cslSchema(t *testing.T) *jsonschema.Schema { return csltest.Schema(t, "testdata/csl-data.json") }

func validateCSL(sch *jsonschema.Schema, data []byte) error { return csltest.Validate(sch, data) }

// wantDateParts is what each sample file's metadata date must become.
var wantDateParts = map[string][]int{
	"examplia-national-report.pdf":  {2023, 3},
	"acme-supply-chain.docx":        {2022},
	"drw-statement.html":            {2024, 2, 20},
	"northern-forum-submission.txt": {2021, 11},
	"fictivie-declaration.pdf":      {2023, 7, 5},
}

// TestCSLJSONValidatesAgainstSchema exports every passage and every
// document of a real corpus as CSL-JSON and validates the files against
// the official CSL-JSON schema; then checks the fields: the submitter an
// institution, dates at their own precision, pages, permalinks.
func TestCSLJSONValidatesAgainstSchema(t *testing.T) {
	d, ix := citeCorpus(t)
	sch := cslSchema(t)
	// The validator does reject what the schema forbids.
	if err := validateCSL(sch, []byte(`[{"id":"x","type":"report","author":"Examplia"}]`)); err == nil {
		t.Fatal("the schema accepted an author that is not a list of names")
	}
	counts := storedCounts(t, d)
	for _, unit := range []string{UnitPassage, UnitDocument} {
		data, items := exportAll(t, d, ix, FormatCSLJSON, unit)
		if err := validateCSL(sch, data); err != nil {
			t.Fatalf("%s export does not validate: %v", unit, err)
		}
		var recs []map[string]any
		if err := json.Unmarshal(data, &recs); err != nil {
			t.Fatal(err)
		}
		want := counts.Passages
		if unit == UnitDocument {
			want = counts.Documents
		}
		if len(recs) != want || len(items) != want {
			t.Fatalf("%s: %d records, %d items, want %d", unit, len(recs), len(items), want)
		}
		ids := map[string]bool{}
		for i, r := range recs {
			it := items[i]
			id, _ := r["id"].(string)
			if ids[id] {
				t.Errorf("id %q twice", id)
			}
			ids[id] = true
			if r["type"] != "report" || r["title"] != it.Title || it.Title == "" {
				t.Errorf("record %d: type %v title %v, want report %q", i, r["type"], r["title"], it.Title)
			}
			author, _ := json.Marshal(r["author"])
			if wantAuthor, _ := json.Marshal([]map[string]string{{"literal": it.Submitter}}); !bytes.Equal(author, wantAuthor) {
				t.Errorf("record %d: author %s, want %s", i, author, wantAuthor)
			}
			issued, _ := json.Marshal(r["issued"])
			wantIssued, _ := json.Marshal(map[string]any{"date-parts": [][]int{wantDateParts[it.File]}})
			if !bytes.Equal(issued, wantIssued) {
				t.Errorf("%s: issued %s, want %s", it.File, issued, wantIssued)
			}
			if unit == UnitDocument {
				if r["URL"] != "http://normtag.test/documents/"+it.DocID || r["page"] != nil {
					t.Errorf("document record %d: URL %v page %v", i, r["URL"], r["page"])
				}
				continue
			}
			p := it.Passage
			if r["URL"] != "http://normtag.test"+PermalinkPath(it.DocID, p.Seq, p.Text) || !strings.Contains(r["URL"].(string), fmt.Sprintf("/p/%s/%d-", it.DocID, p.Seq)) {
				t.Errorf("record %d: URL %v", i, r["URL"])
			}
			wantPage := ""
			if p.Page > 0 {
				wantPage = strconv.Itoa(p.Page)
				if p.PageEnd > p.Page {
					wantPage += "-" + strconv.Itoa(p.PageEnd)
				}
			}
			if got, _ := r["page"].(string); got != wantPage {
				t.Errorf("record %d: page %q, want %q", i, got, wantPage)
			}
			if r["abstract"] != oneLine(p.Text) {
				t.Errorf("record %d: abstract %v, want the passage's text", i, r["abstract"])
			}
			if len(p.Direct) > 0 && !strings.Contains(r["note"].(string), "("+p.Direct[0]+")") {
				t.Errorf("record %d: note %v lacks norm %s", i, r["note"], p.Direct[0])
			}
		}
	}
}

// parseRIS reads RIS records ("TAG  - value" lines, ER ends a record)
// into one map of tag to values per record.
func parseRIS(t *testing.T, data string) []map[string][]string {
	t.Helper()
	var out []map[string][]string
	var cur map[string][]string
	for n, line := range strings.Split(data, "\r\n") {
		if line == "" {
			continue
		}
		if len(line) < 6 || line[2:6] != "  - " {
			t.Fatalf("line %d is not a RIS field: %q", n+1, line)
		}
		tag, value := line[:2], line[6:]
		switch {
		case tag == "TY":
			if cur != nil {
				t.Fatalf("line %d: TY before ER", n+1)
			}
			cur = map[string][]string{}
		case cur == nil:
			t.Fatalf("line %d: %s outside a record", n+1, tag)
		case tag == "ER":
			out = append(out, cur)
			cur = nil
			continue
		}
		cur[tag] = append(cur[tag], value)
	}
	if cur != nil {
		t.Fatal("last record has no ER")
	}
	return out
}

// TestRISRoundTrip exports RIS and reads it back with a RIS parser: every
// record gives back its item's title, author, date at its precision,
// pages, permalink and words.
func TestRISRoundTrip(t *testing.T) {
	d, ix := citeCorpus(t)
	data, items := exportAll(t, d, ix, FormatRIS, UnitPassage)
	if strings.Contains(strings.ReplaceAll(string(data), "\r\n", ""), "\n") {
		t.Fatal("a bare line feed: a value ran over its line")
	}
	recs := parseRIS(t, string(data))
	if len(recs) != len(items) {
		t.Fatalf("%d records for %d items", len(recs), len(items))
	}
	ids := map[string]bool{}
	for i, r := range recs {
		it := items[i]
		one := func(tag string) string {
			if len(r[tag]) != 1 {
				t.Errorf("record %d: %s %q, want one", i, tag, r[tag])
				return ""
			}
			return r[tag][0]
		}
		if one("TY") != "RPRT" || one("TI") != it.Title || one("UR") != it.Passage.Permalink || one("AB") != oneLine(it.Passage.Text) {
			t.Errorf("record %d: %v, want %q", i, r, it.Title)
		}
		if id := one("ID"); ids[id] || id == "" {
			t.Errorf("record %d: ID %q not unique", i, id)
		} else {
			ids[id] = true
		}
		// One institution: without the comma that would split it.
		if got, want := one("AU"), strings.ReplaceAll(it.Submitter, ",", ""); got != want {
			t.Errorf("record %d: AU %q, want %q", i, got, want)
		}
		parts := wantDateParts[it.File]
		wantDA := strconv.Itoa(parts[0]) + "/"
		for k := 1; k < 3; k++ {
			if k < len(parts) {
				wantDA += fmt.Sprintf("%02d", parts[k])
			}
			wantDA += "/"
		}
		if one("PY") != strconv.Itoa(parts[0]) || one("DA") != wantDA {
			t.Errorf("%s: PY %q DA %q, want %d and %q", it.File, r["PY"], r["DA"], parts[0], wantDA)
		}
		p := it.Passage
		switch {
		case p.Page == 0 && (r["SP"] != nil || r["EP"] != nil):
			t.Errorf("record %d: pages %v-%v for a file without pages", i, r["SP"], r["EP"])
		case p.Page > 0 && one("SP") != strconv.Itoa(p.Page):
			t.Errorf("record %d: SP %v, want %d", i, r["SP"], p.Page)
		case p.PageEnd > p.Page && one("EP") != strconv.Itoa(p.PageEnd):
			t.Errorf("record %d: EP %v, want %d", i, r["EP"], p.PageEnd)
		}
		if it.Format == "pdf" && one("L1") != it.FileURL {
			t.Errorf("record %d: L1 %v, want the PDF %s", i, r["L1"], it.FileURL)
		}
	}
}

// bibEntry is one parsed BibTeX entry.
type bibEntry struct {
	Type, Key string
	Fields    map[string]string
	Order     []string
}

// parseBibTeX reads @type{key, name = {value} | name = macro, ...}
// entries, braces nested, and un-escapes the LaTeX commands BibEscape
// writes; braces that only group (a title's double braces) are dropped.
func parseBibTeX(t *testing.T, s string) []bibEntry {
	t.Helper()
	var out []bibEntry
	i := 0
	skipSpace := func() {
		for i < len(s) && strings.ContainsRune(" \t\r\n", rune(s[i])) {
			i++
		}
	}
	word := func() string {
		start := i
		for i < len(s) && (s[i] == '-' || s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		return s[start:i]
	}
	expect := func(c byte) {
		skipSpace()
		if i >= len(s) || s[i] != c {
			t.Fatalf("at %d: want %q, have %.40q", i, c, s[i:])
		}
		i++
	}
	for {
		skipSpace()
		if i >= len(s) {
			return out
		}
		expect('@')
		e := bibEntry{Type: word(), Fields: map[string]string{}}
		expect('{')
		e.Key = word()
		for {
			skipSpace()
			if i < len(s) && s[i] == ',' {
				i++
				skipSpace()
			}
			if i < len(s) && s[i] == '}' {
				i++
				break
			}
			name := word()
			if name == "" {
				t.Fatalf("at %d: no field name: %.40q", i, s[i:])
			}
			expect('=')
			skipSpace()
			var value string
			if s[i] == '{' {
				depth, start := 0, i
				for ; i < len(s); i++ {
					switch {
					case s[i] == '\\':
						i++ // an escaped character never opens or closes
					case s[i] == '{':
						depth++
					case s[i] == '}':
						depth--
					}
					if depth == 0 {
						break
					}
				}
				if depth != 0 {
					t.Fatalf("field %s: unbalanced braces", name)
				}
				value = unBib(s[start+1 : i])
				i++
			} else {
				value = word()
			}
			if _, dup := e.Fields[name]; dup {
				t.Errorf("entry %s: field %s twice", e.Key, name)
			}
			e.Fields[name] = value
			e.Order = append(e.Order, name)
		}
		out = append(out, e)
	}
}

var unBibReplacer = strings.NewReplacer(`\textbackslash{}`, `\`, `\textasciicircum{}`, `^`, `\textasciitilde{}`, `~`,
	`\{`, `{`, `\}`, `}`, `\$`, `$`, `\&`, `&`, `\%`, `%`, `\#`, `#`, `\_`, `_`)

// unBib undoes BibEscape, after dropping grouping braces.
func unBib(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && i+1 < len(v):
			if strings.HasPrefix(v[i:], `\text`) {
				end := strings.Index(v[i:], "{}")
				b.WriteString(v[i : i+end+2])
				i += end + 1
				continue
			}
			b.WriteString(v[i : i+2])
			i++
		case v[i] == '{' || v[i] == '}':
		default:
			b.WriteByte(v[i])
		}
	}
	return unBibReplacer.Replace(b.String())
}

// TestBibTeXRoundTrip exports BibTeX and reads it back with a BibTeX
// parser: unique keys, and every entry gives back its item's title and
// author (special characters and all), year, month and date at the
// date's precision, pages, permalink and words.
func TestBibTeXRoundTrip(t *testing.T) {
	d, ix := citeCorpus(t)
	data, items := exportAll(t, d, ix, FormatBibTeX, UnitPassage)
	entries := parseBibTeX(t, string(data))
	if len(entries) != len(items) {
		t.Fatalf("%d entries for %d items", len(entries), len(items))
	}
	keys := map[string]bool{}
	sawSpecial := false
	for i, e := range entries {
		it := items[i]
		if e.Type != "techreport" || keys[e.Key] || e.Key == "" {
			t.Errorf("entry %d: @%s{%s} (type, or key not unique)", i, e.Type, e.Key)
		}
		keys[e.Key] = true
		f := e.Fields
		if f["title"] != oneLine(it.Title) || f["author"] != it.Submitter || f["institution"] != it.Submitter {
			t.Errorf("entry %s: title %q author %q, want %q by %q", e.Key, f["title"], f["author"], it.Title, it.Submitter)
		}
		if strings.Contains(it.Title, "{draft}") {
			sawSpecial = f["title"] == `R&D {draft} at 50% of #cyber_norms: x^2 ~ $5 \ back`
		}
		parts := wantDateParts[it.File]
		wantMonth := ""
		if len(parts) > 1 {
			wantMonth = monthMacros[parts[1]-1]
		}
		if f["year"] != strconv.Itoa(parts[0]) || f["month"] != wantMonth || f["date"] != it.Date {
			t.Errorf("%s: year %q month %q date %q, want %v", it.File, f["year"], f["month"], f["date"], parts)
		}
		if len(DateParts(f["date"])) != len(parts) {
			t.Errorf("%s: date %q lost its precision", it.File, f["date"])
		}
		p := it.Passage
		if f["url"] != p.Permalink || f["abstract"] != oneLine(p.Text) {
			t.Errorf("entry %s: url %q abstract %.40q", e.Key, f["url"], f["abstract"])
		}
		if want := pageRange(p, "--"); f["pages"] != want {
			t.Errorf("entry %s: pages %q, want %q", e.Key, f["pages"], want)
		}
	}
	if !sawSpecial {
		t.Error("the title full of LaTeX's special characters did not come back whole")
	}
	// An unescaped special character would have broken the parse or the
	// comparison; say where the escapes are for a reader of a failure.
	if !strings.Contains(string(data), `R\&D \{draft\} at 50\% of \#cyber\_norms`) {
		t.Errorf("title not escaped as expected:\n%.600s", data)
	}
}

// TestKeysUniqueWithinAFile writes the same passage twice: the second
// record gets a key of its own in every format.
func TestKeysUniqueWithinAFile(t *testing.T) {
	it := Item{Work: Work{DocID: "3fa2c1d09b7e4a00", Title: "T", Submitter: "Ü-land", Date: "2021"},
		Passage: &Passage{Seq: 4, Page: 2, PageEnd: 2, Text: "words"}}
	var k keys
	a, b := k.next(it), k.next(it)
	if a == b || a != "uland2021-3fa2c1d0-p4" {
		t.Errorf("keys %q, %q", a, b)
	}
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, FormatBibTeX)
	w.Write(it)
	w.Write(it)
	w.Close()
	got := parseBibTeX(t, buf.String())
	if len(got) != 2 || got[0].Key == got[1].Key {
		t.Errorf("entries %+v", got)
	}
}

// TestFormatsAreExportFormats: the request layer every surface shares
// accepts each citation format, so --format and format= reach Items.
func TestFormatsAreExportFormats(t *testing.T) {
	for _, f := range Formats {
		if !slices.Contains(index.Formats(index.KindExport), f) {
			t.Errorf("index.Formats(KindExport) lacks %s", f)
		}
		if _, err := (index.Params{Kind: index.KindExport, Format: f}).Request(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
