package tag

import (
	"encoding/json"
	"os"
	"testing"
)

const normsFile = "../../../shared/norms/gge2015.json"

// TestQuotedNormCarriesItsNormOnly tags every norm's official text from
// ../shared/norms/gge2015.json, alone and quoted inside a sentence: it
// must carry its own norm and no other. Before quotes were made exclusive
// the text of (d) also got (h) ("assist each other"), (f) got (g)
// ("critical infrastructure") and (h) got (c) ("their territory") and (g).
func TestQuotedNormCarriesItsNormOnly(t *testing.T) {
	raw, err := os.ReadFile(normsFile)
	if err != nil {
		t.Skipf("skipping: %s absent (../shared is not checked out)", normsFile)
	}
	var f struct {
		Norms []struct{ Letter, Text string }
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", normsFile, err)
	}
	if len(f.Norms) != 11 {
		t.Fatalf("%s: %d norms, want 11", normsFile, len(f.Norms))
	}
	tg := mustDefault(t)
	for _, n := range f.Norms {
		for _, text := range []string{
			n.Text,
			"The 2015 report recommends that \u201c" + n.Text + "\u201d Our government endorses this without reservation.",
		} {
			if got := letters(tg.TagText(text)); got != n.Letter {
				t.Errorf("(%s) quoted: tags %q, want only %q: %.90q", n.Letter, got, n.Letter, text)
			}
		}
	}
}
