package pipeline_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// TestRetagLoadingEqualsRetag re-tags the sample corpus with a tagger
// that is still loading when the run starts reading: the summary and the
// store are those of a run given the tagger. A tagger that fails to load
// stops the run with its error and nothing written.
func TestRetagLoadingEqualsRetag(t *testing.T) {
	ctx := context.Background()
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	other := exerciseRules(t)
	ingest := func() *datadir.Dir {
		d, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		if _, err := pipeline.Ingest(ctx, d, []string{"../examples/corpus"}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	given, loading := ingest(), ingest()

	before := indexFingerprint(t, loading)
	lost := errors.New("the rules could not be read")
	sum, err := pipeline.RetagLoading(ctx, loading, func() (*tag.Tagger, error) {
		time.Sleep(20 * time.Millisecond)
		return nil, lost
	}, pipeline.RetagOptions{All: true})
	if !errors.Is(err, lost) || sum != nil {
		t.Fatalf("retag with rules that fail to load: %+v, %v; want no summary and the loading error", sum, err)
	}
	if after := indexFingerprint(t, loading); after != before {
		t.Fatal("a retag whose rules failed to load wrote to the index")
	}
	if st, err := loading.Store.Stats(ctx); err != nil || st.RulesVersions[tagger.Version()] != st.Documents {
		t.Fatalf("a retag whose rules failed to load changed rules versions: %v %v", st.RulesVersions, err)
	}

	want, err := pipeline.Retag(ctx, given, other, pipeline.RetagOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := pipeline.RetagLoading(ctx, loading, func() (*tag.Tagger, error) {
		time.Sleep(20 * time.Millisecond)
		return other, nil
	}, pipeline.RetagOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want.Changed == 0 {
		t.Fatal("the added rule changed nothing: the test shows nothing")
	}
	got.Duration, want.Duration = 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("retag with a loading tagger:\n%+v\nwant\n%+v", got, want)
	}
	for _, d := range []*datadir.Dir{given, loading} {
		st, err := d.Store.Stats(ctx)
		if err != nil || st.RulesVersions[other.Version()] != st.Documents {
			t.Fatalf("rules versions after retag: %v %v", st.RulesVersions, err)
		}
	}
	a, _ := given.Store.Stats(ctx)
	b, _ := loading.Store.Stats(ctx)
	if !reflect.DeepEqual(a.Norms, b.Norms) || !reflect.DeepEqual(a.DirectNorms, b.DirectNorms) {
		t.Fatalf("stored tags differ: %v / %v", a.Norms, b.Norms)
	}
}
