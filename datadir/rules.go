package datadir

import (
	"context"
	"fmt"
	"time"
)

// Settings keys of the remembered rules.
const (
	rulesDataKey    = "rules_file"
	rulesVersionKey = "rules_version"
	rulesSourceKey  = "rules_source"
	rulesSinceKey   = "rules_since"
)

// Rules is the rules file a data directory remembers: the one its last
// retag used, when that was not the built-in rules. Ingest and retag
// without --rules tag with it, so that the corpus is not tagged by two
// rule sets because someone forgot a flag.
type Rules struct {
	// Data is a copy of the rules file as it was read, so that the rules
	// stay the same when the file is edited or lost.
	Data    []byte
	Version string // the tagger's rules version of Data
	// Source is the path the file was read from, for messages.
	Source string
	Since  time.Time // when they were remembered
}

// RememberedRules returns the rules the directory remembers, or nil when
// it uses the built-in rules.
func (d *Dir) RememberedRules(ctx context.Context) (*Rules, error) {
	v, err := d.Store.Settings(ctx, rulesDataKey, rulesVersionKey, rulesSourceKey, rulesSinceKey)
	if err != nil {
		return nil, fmt.Errorf("remembered rules: %w", err)
	}
	data, ok := v[rulesDataKey]
	if !ok {
		return nil, nil
	}
	r := &Rules{Data: []byte(data), Version: v[rulesVersionKey], Source: v[rulesSourceKey]}
	r.Since, _ = time.Parse(time.RFC3339, v[rulesSinceKey])
	return r, nil
}

// RememberRules records r as the rules that tag this directory from now
// on; nil forgets them, returning to the built-in rules.
func (d *Dir) RememberRules(ctx context.Context, r *Rules) error {
	if d.lock == nil {
		return errNotWriter
	}
	keys := []string{rulesDataKey, rulesVersionKey, rulesSourceKey, rulesSinceKey}
	var err error
	if r == nil {
		err = d.Store.SetSettings(ctx, nil, keys...)
	} else {
		since := r.Since
		if since.IsZero() {
			since = time.Now()
		}
		err = d.Store.SetSettings(ctx, map[string]string{
			rulesDataKey: string(r.Data), rulesVersionKey: r.Version, rulesSourceKey: r.Source,
			rulesSinceKey: since.UTC().Format(time.RFC3339),
		})
	}
	if err != nil {
		return fmt.Errorf("remember rules: %w", err)
	}
	return nil
}
