package tag

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestExplainGolden pins the human-readable explanation of a few texts
// with the default rules; run with -update after a deliberate rules change.
func TestExplainGolden(t *testing.T) {
	tg := mustDefault(t)
	var buf bytes.Buffer
	for _, text := range []string{
		"Our national CSIRT coordinates vulnerability disclosure with security researchers.",
		"Under norm (g), operators of essential services must report incidents; see also paragraph 13(f).",
		"Les États doivent protéger les infrastructures critiques et la chaîne d'approvisionnement.",
		"The delegation thanks the Chair for the revised draft.",
		"We call on all to take reasonable steps to ensure the integrity of the supply chain.",
	} {
		buf.WriteString("$ normtag rules explain " + text + "\n")
		tg.Explain(text).WriteText(&buf)
	}
	golden := filepath.Join("testdata", "explain.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("explanation differs from %s (go test -update if intended):\n%s", golden, buf.String())
	}
}
