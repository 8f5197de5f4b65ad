package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Gold is one labelled passage.
type Gold struct {
	// Doc is the document the passage comes from, a path relative to the
	// gold file's folder; empty in the held-out format, which has none.
	Doc string `json:"doc,omitempty"`
	// Norms are the norms the passage may carry: any one of them counts
	// as right. Empty for a passage on no norm.
	Norms []string `json:"gold"`
	// Kind is "header" or "body" in the labelled format, empty otherwise.
	Kind string `json:"kind,omitempty"`
	Lang string `json:"lang,omitempty"`
	Text string `json:"text"`
	// Line is the passage's line in its file, for messages.
	Line int `json:"line"`
}

// goldLine accepts both formats: the labelled one
// ({"doc","gold":[letters],"kind","text"}) and the held-out one
// ({"norm":"g"|"","lang","text"}).
type goldLine struct {
	Doc  string    `json:"doc"`
	Gold *[]string `json:"gold"`
	Kind string    `json:"kind"`
	Norm *string   `json:"norm"`
	Lang string    `json:"lang"`
	Text string    `json:"text"`
}

// ErrNoGold is returned for a gold file without a single passage.
var ErrNoGold = errors.New("no gold passages")

// ReadGold reads a gold file in either format, one JSON object per line
// (blank lines are skipped). A line that is not valid is an error naming
// the file and line: a gold set with a typo would measure something else.
func ReadGold(path string) ([]Gold, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read gold: %w", err)
	}
	var out []Gold
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		g, err := parseGold(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		g.Line = n
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read gold %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrNoGold)
	}
	return out, nil
}

func parseGold(line []byte) (Gold, error) {
	var l goldLine
	if err := json.Unmarshal(line, &l); err != nil {
		return Gold{}, fmt.Errorf("not a JSON object: %w", err)
	}
	if strings.TrimSpace(l.Text) == "" {
		return Gold{}, errors.New(`"text" is missing or empty`)
	}
	g := Gold{Doc: l.Doc, Kind: l.Kind, Lang: l.Lang, Text: l.Text}
	switch {
	case l.Gold != nil && l.Norm != nil:
		return Gold{}, errors.New(`give either "gold" (a list of norms) or "norm" (one norm or ""), not both`)
	case l.Gold != nil:
		g.Norms = *l.Gold
	case l.Norm != nil:
		if *l.Norm != "" {
			g.Norms = []string{*l.Norm}
		}
	default:
		return Gold{}, errors.New(`"gold" (a list of norms) or "norm" (one norm, or "" for none) is missing`)
	}
	for i, n := range g.Norms {
		n = strings.ToLower(strings.TrimSpace(n))
		if len(n) != 1 || n[0] < 'a' || n[0] > 'k' {
			return Gold{}, fmt.Errorf("norm %q is not a letter a-k", g.Norms[i])
		}
		g.Norms[i] = n
	}
	switch g.Kind {
	case "", "header", "body":
	default:
		return Gold{}, fmt.Errorf(`kind %q is neither "header" nor "body"`, g.Kind)
	}
	return g, nil
}
