package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// nearDupCorpus writes groups of three files: a submission (x-a.txt) and
// two re-saves of it with one word changed each (x-b.txt, x-c.txt). The
// files are small, so a whole run fits in one store batch.
func nearDupCorpus(t *testing.T, dir string, groups int) []string {
	t.Helper()
	vocab := strings.Fields("state states cyber norm norms critical infrastructure supply chain integrity vulnerability " +
		"report reporting cooperation assistance request attribution incident territory human rights privacy " +
		"emergency response team information exchange criminal terrorist stability security trust capacity building " +
		"national strategy agency ministry council law framework")
	r := rand.New(rand.NewPCG(3, 11))
	var files []string
	for g := range groups {
		words := make([]string, 220)
		for i := range words {
			words[i] = vocab[r.IntN(len(vocab))]
		}
		for v, name := range []string{"a", "b", "c"} {
			w := append([]string(nil), words...)
			if v > 0 {
				w[40*v] = fmt.Sprintf("changed%d", v)
			}
			p := filepath.Join(dir, fmt.Sprintf("sub-%02d-%s.txt", g, name))
			if err := os.WriteFile(p, []byte(strings.Join(w, " ")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	}
	return files
}

// TestNearDuplicateFlagsDoNotDependOnBatchingOrResume ingests the same
// files once in one run (the near-duplicates of a group then share a
// store batch) and once file by file in reverse order, each call
// interrupted once its file is stored, so that the run is resumed again
// and again: the stored flags must be the same, each re-save flagged,
// each original not. A re-save ingested by a later run is flagged, and
// never makes the earlier document a near-duplicate of itself.
func TestNearDuplicateFlagsDoNotDependOnBatchingOrResume(t *testing.T) {
	ctx := context.Background()
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	const groups = 6
	files := nearDupCorpus(t, src, groups)

	flags := func(d *datadir.Dir) map[string]string {
		t.Helper()
		got, err := d.Store.NearDuplicates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		paths, err := d.Store.Paths(ctx)
		if err != nil {
			t.Fatal(err)
		}
		name := map[string]string{}
		for _, p := range paths {
			name[p.DocID] = filepath.Base(p.Path)
		}
		byName := map[string]string{}
		for id, of := range got {
			byName[name[id]] = name[of]
		}
		return byName
	}

	whole, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	sum, err := pipeline.Ingest(ctx, whole, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 3*groups || sum.NearDuplicates != 2*groups {
		t.Fatalf("one run: %d added, %d near-duplicates; want %d, %d", sum.Added, sum.NearDuplicates, 3*groups, 2*groups)
	}
	want := flags(whole)
	for g := range groups {
		a, b, c := fmt.Sprintf("sub-%02d-a.txt", g), fmt.Sprintf("sub-%02d-b.txt", g), fmt.Sprintf("sub-%02d-c.txt", g)
		if _, ok := want[a]; ok {
			t.Errorf("%s, the first of its group, is flagged", a)
		}
		if want[b] != a {
			t.Errorf("%s flagged as near-duplicate of %q, want %s", b, want[b], a)
		}
		if want[c] != a && want[c] != b {
			t.Errorf("%s flagged as near-duplicate of %q, want %s or %s", c, want[c], a, b)
		}
	}

	resumed, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer resumed.Close()
	sort.Sort(sort.Reverse(sort.StringSlice(files)))
	for _, f := range files {
		// Interrupted as soon as its one file is stored: the run stays
		// open and the next call resumes it.
		cctx, cancel := context.WithCancel(ctx)
		_, err := pipeline.Ingest(cctx, resumed, []string{f}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}, Workers: 1,
			OnResult: func(pipeline.Result) { cancel() }})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted ingest of %s: %v", f, err)
		}
	}
	if got := flags(resumed); !reflect.DeepEqual(got, want) {
		t.Fatalf("flags depend on how the run was batched and resumed:\none run          %v\nresumed per file %v", want, got)
	}
	if _, err := pipeline.Ingest(ctx, resumed, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}}); err != nil {
		t.Fatal(err)
	}
	if got := flags(resumed); !reflect.DeepEqual(got, want) {
		t.Fatalf("flags changed when the run completed:\nwant %v\ngot  %v", want, got)
	}

	// A later run adds a re-save whose name sorts first: it is the one
	// flagged, since its group was stored by an earlier run.
	first := filepath.Join(src, "sub-00-0.txt")
	text, err := os.ReadFile(filepath.Join(src, "sub-00-a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(first, append(text, []byte("re-saved\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if sum, err = pipeline.Ingest(ctx, resumed, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}}); err != nil {
		t.Fatal(err)
	}
	got := flags(resumed)
	if sum.NearDuplicates != 1 || got["sub-00-0.txt"] == "" || got["sub-00-a.txt"] != "" || got["sub-00-b.txt"] != want["sub-00-b.txt"] {
		t.Errorf("later re-save: %d flagged in the run; sub-00-0 → %q, sub-00-a → %q, sub-00-b → %q",
			sum.NearDuplicates, got["sub-00-0.txt"], got["sub-00-a.txt"], got["sub-00-b.txt"])
	}
	st, err := resumed.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.NearDuplicates != 2*groups+1 {
		t.Errorf("stats count %d near-duplicates, want %d", st.NearDuplicates, 2*groups+1)
	}
}
