package sqlite

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// TestDecodeEvidenceEqualsJSON checks the hand-written evidence reader
// against encoding/json on what json.Marshal writes (strings with quotes,
// backslashes, <, & and non-ASCII letters, with and without a heading)
// and on JSON the fast path does not expect.
func TestDecodeEvidenceEqualsJSON(t *testing.T) {
	words := []string{"critical infrastructure", `say "no"`, `a\b`, "<b>&", "البنية التحتية", "关键基础设施", "", "объекты", "tab\there"}
	rng := rand.New(rand.NewSource(1))
	var cases []string
	for n := range 300 {
		ev := make([]corpus.Evidence, n%4)
		for i := range ev {
			ev[i] = corpus.Evidence{Rule: words[rng.Intn(len(words))], Match: words[rng.Intn(len(words))],
				Start: rng.Intn(5000), End: rng.Intn(5000)}
			if rng.Intn(3) == 0 {
				ev[i].HeadingSeq = rng.Intn(40)
			}
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, string(b))
	}
	cases = append(cases, "null", "[]", `[{"match":"x","rule":"r","start":1,"end":2}]`,
		`[{"rule":"r","match":"x","start":-1,"end":2,"heading":3}]`, `[ {"rule":"r","match":"x","start":1,"end":2} ]`)
	fast := 0
	for _, c := range cases {
		var want []corpus.Evidence
		if err := json.Unmarshal([]byte(c), &want); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		got, err := decodeEvidence(c)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %#v, want %#v", c, got, want)
		}
		if _, ok := decodeEvidenceFast(c); ok {
			fast++
		}
	}
	if fast < len(cases)/3 {
		t.Fatalf("only %d of %d cases took the fast path: it no longer reads what json.Marshal writes", fast, len(cases))
	}
	for _, bad := range []string{"[", `[{"rule":"r"`, `[{"rule":"r","match":"x","start":1,"end":2}`, "{}"} {
		if _, err := decodeEvidence(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
