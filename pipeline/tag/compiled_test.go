package tag

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/segment"
)

// compiledCopy returns the tagger read back from tg's compiled form.
func compiledCopy(t testing.TB, tg *Tagger, data []byte) *Tagger {
	t.Helper()
	b, err := tg.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	var back *Tagger
	if tg.origin.builtin {
		back, err = DefaultFromBinary(b)
	} else {
		back, err = LoadFromBinary(b, data)
	}
	if err != nil {
		t.Fatal(err)
	}
	if back.detailed == nil || back.rules != nil || back.pats != nil {
		t.Fatal("the tagger read back is not the compact one")
	}
	return back
}

// testTexts are passages in every language the rules know: the held-out
// sets, and every rule's own examples.
func testTexts(t *testing.T, tg *Tagger) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/heldout*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no held-out sets in testdata (%v)", err)
	}
	var out []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var p heldoutPassage
			if err := json.Unmarshal([]byte(line), &p); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, p.Text)
		}
	}
	for _, r := range tg.rules {
		out = append(out, r.Examples.Match...)
		out = append(out, r.Examples.NoMatch...)
	}
	return out
}

// TestCompiledFormTagsAlike: the embedded rules read back from their
// compiled form give every passage the same tags, scores and evidence
// as the rules built from YAML: the gold document with its sections, and
// passages in all six languages alone, with the same explanations.
func TestCompiledFormTagsAlike(t *testing.T) {
	built := mustDefault(t)
	read := compiledCopy(t, built, nil)
	if read.Version() != built.Version() || read.Threshold() != built.Threshold() {
		t.Fatalf("version %s threshold %v, want %s %v", read.Version(), read.Threshold(), built.Version(), built.Threshold())
	}

	texts := testTexts(t, built)
	tagged, scripts := 0, 0
	for _, text := range texts {
		want, got := built.TagText(text), read.TagText(text)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\ncompiled form: %+v\nbuilt:         %+v", text, got, want)
		}
		if len(want) > 0 {
			tagged++
		}
		if e, g := built.Explain(text), read.Explain(text); !reflect.DeepEqual(e, g) {
			t.Fatalf("%q: explanations differ:\ncompiled form: %+v\nbuilt:         %+v", text, g, e)
		}
	}
	for _, text := range texts {
		if strings.ContainsFunc(text, func(r rune) bool { return r >= 0x400 }) {
			scripts++
		}
	}
	// As a document, with section context: passages in one run.
	docs := [][]corpus.Passage{passagesOf(texts)}
	if _, err := os.Stat(goldText); err == nil {
		doc, err := extract.File(context.Background(), goldText, extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, segment.Passages(doc.Pages))
	} else {
		t.Log("../shared/labeled is absent: the gold document is left out")
	}
	for _, passages := range docs {
		a, b := clonePassages(passages), clonePassages(passages)
		built.Tag(a)
		read.Tag(b)
		n := 0
		for i := range a {
			if !reflect.DeepEqual(a[i].Tags, b[i].Tags) {
				t.Fatalf("passage %d %q:\ncompiled form: %+v\nbuilt:         %+v", i, a[i].Text, b[i].Tags, a[i].Tags)
			}
			n += len(a[i].Tags)
		}
		if n == 0 {
			t.Fatalf("a document of %d passages got no tags", len(a))
		}
	}
	if tagged < len(texts)/3 || scripts < 100 {
		t.Fatalf("only %d of %d texts tagged, %d in other scripts: the comparison proves little", tagged, len(texts), scripts)
	}
}

func passagesOf(texts []string) []corpus.Passage {
	out := make([]corpus.Passage, len(texts))
	for i, s := range texts {
		out[i] = corpus.Passage{Seq: i, Text: s, Heading: i%17 == 0, Level: 1}
	}
	return out
}

func clonePassages(ps []corpus.Passage) []corpus.Passage {
	out := make([]corpus.Passage, len(ps))
	copy(out, ps)
	return out
}

// TestCompiledFormKeepsLintAndExamples: what the compiled form leaves
// out (the rules' texts and examples, where each is written) is built
// again when asked for.
func TestCompiledFormKeepsLintAndExamples(t *testing.T) {
	built := mustDefault(t)
	read := compiledCopy(t, built, nil)
	wantF, wantN := built.TestExamples()
	gotF, gotN := read.TestExamples()
	if gotN != wantN || !reflect.DeepEqual(gotF, wantF) || wantN == 0 {
		t.Fatalf("TestExamples: %d checked, failures %v; want %d, %v", gotN, gotF, wantN, wantF)
	}
	if got, want := read.Lint(), built.Lint(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Lint: %v, want %v", got, want)
	}
	if got, want := len(read.Phrases()), len(built.Phrases()); got != want || want == 0 {
		t.Fatalf("%d phrases, want %d", got, want)
	}
}

// TestCompiledFormOfAFile: a user's rules file round-trips too, and its
// compiled form is refused for other rules, and for the embedded ones.
func TestCompiledFormOfAFile(t *testing.T) {
	data := []byte(customRules)
	built, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	read := compiledCopy(t, built, data)
	for _, c := range []struct {
		text, norms string
	}{
		{"Every hospital keeps offline backups, and the grid is resilient.", "g"},
		{"The hospital wing has backups.", ""},
		{"States should not conduct or knowingly support ICT activity that intentionally damages critical infrastructure or otherwise impairs the use and operation of critical infrastructure to provide services to the public.", "f"},
	} {
		got, want := read.TagText(c.text), built.TagText(c.text)
		if !reflect.DeepEqual(got, want) || letters(want) != c.norms {
			t.Fatalf("%q: %+v, want %+v (norms %q)", c.text, got, want, c.norms)
		}
	}
	b, err := built.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	other := append([]byte(customRules), "\n# edited\n"...)
	if _, err := LoadFromBinary(b, other); !errors.Is(err, ErrOtherRules) {
		t.Fatalf("read back for other rules: %v, want ErrOtherRules", err)
	}
	if _, err := DefaultFromBinary(b); !errors.Is(err, ErrOtherRules) {
		t.Fatalf("read back as the embedded rules: %v, want ErrOtherRules", err)
	}
	if _, err := LoadFromBinary(b[:len(b)-1], data); err == nil {
		t.Fatal("a compiled form missing its last byte was read")
	}
	lax, err := Load(data, WithThreshold(0.2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lax.AppendBinary(nil); !errors.Is(err, ErrNoCompiledForm) {
		t.Fatalf("AppendBinary of a tagger built with options: %v, want ErrNoCompiledForm", err)
	}
}

// TestDamagedCompiledFormIsRefused: a compiled form cut short anywhere is
// refused with an error, and one with a byte changed anywhere is refused
// or read, never a panic. (The cache's checksum catches what is read.)
func TestDamagedCompiledFormIsRefused(t *testing.T) {
	built := mustDefault(t)
	b, err := built.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	step := len(b)/300 + 1
	for n := 0; n < len(b); n += step {
		if _, err := DefaultFromBinary(b[:n]); err == nil {
			t.Fatalf("the first %d of %d bytes were read as a tagger", n, len(b))
		}
	}
	refused := 0
	for i := 0; i < len(b); i += step {
		d := append([]byte(nil), b...)
		d[i] ^= 0xA5
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("byte %d of %d changed: panic %v", i, len(b), p)
				}
			}()
			if _, err := DefaultFromBinary(d); err != nil {
				refused++
			}
		}()
	}
	if refused == 0 {
		t.Fatal("no damaged form was refused")
	}
}

// BenchmarkFromBinary reads the embedded rules' compiled form, as a run
// with a warm cache does instead of BenchmarkDefault.
func BenchmarkFromBinary(b *testing.B) {
	tg := mustDefault(b)
	data, err := tg.AppendBinary(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DefaultFromBinary(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCompiledFormIsReproducible: the same rules compile to the same
// bytes in every build, so that runs that miss the cache together write
// the same file, and a compiled form can be compared.
func TestCompiledFormIsReproducible(t *testing.T) {
	a, err := mustDefault(t).AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := mustDefault(t).AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("two builds of the embedded rules compile to different bytes (%d and %d)", len(a), len(b))
	}
	// Read back and written again: the same bytes too.
	c, err := compiledCopy(t, mustDefault(t), nil).AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, c) {
		t.Fatal("a tagger read from its compiled form writes other bytes")
	}
}

// DefaultVersion, known without building the tagger, is the built
// tagger's version, and not that of a rules file.
func TestDefaultVersionIsTheBuiltTaggers(t *testing.T) {
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := DefaultVersion(); got != def.Version() || got == "" {
		t.Fatalf("DefaultVersion() = %q, Default().Version() = %q", got, def.Version())
	}
	other, err := Load([]byte(contextRules))
	if err != nil {
		t.Fatal(err)
	}
	if other.Version() == DefaultVersion() {
		t.Fatalf("a rules file has the built-in rules' version %q", other.Version())
	}
}
