package main

import (
	"fmt"
	"os"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/rulecache"
	"github.com/normtag/normtag/pipeline/tag"
	"github.com/normtag/normtag/rules"
)

// builtinRules is the --rules value that names the embedded rules, for
// going back to them from rules a data directory remembers.
const builtinRules = "default"

// rulesCache keeps compiled rules between runs (see internal/rulecache;
// $NORMTAG_CACHE_DIR chooses its folder), once per process.
var rulesCache = sync.OnceValue(func() *rulecache.Cache { return rulecache.New(rulecache.Dir()) })

// builtinTagger loads the tagger of the embedded rules once per process:
// a few milliseconds from the rules cache, tens to build them, which
// prebuildBuiltin lets a command spend while it opens its data directory.
var builtinTagger = sync.OnceValues(func() (*tag.Tagger, error) { return rulesCache().Default() })

// prebuildBuiltin starts building the embedded rules' tagger in the
// background when the command may use them: with --rules default, or
// without --rules unless the data directory remembers other rules (then
// the work is wasted, and small).
func prebuildBuiltin(c *cli.Context) {
	if !c.IsSet("rules") || c.String("rules") == builtinRules {
		go builtinTagger()
	}
}

// loadTagger returns the embedded rules ("" or "default"), or those of
// path.
func loadTagger(path string) (*tag.Tagger, error) {
	r, err := readRules(path)
	if err != nil {
		return nil, err
	}
	return r.tagger, nil
}

// ruleSet is a loaded rules file and where it came from.
type ruleSet struct {
	tagger *tag.Tagger
	// data is the file's bytes; nil for the embedded rules.
	data   []byte
	source string
	// remembered says the data directory supplied them.
	remembered bool
}

// taggerOrNil is the set's tagger; nil for a nil set.
func (r *ruleSet) taggerOrNil() *tag.Tagger {
	if r == nil {
		return nil
	}
	return r.tagger
}

// builtin reports whether these are the embedded rules, also when a file
// holds exactly them (a `rules dump` not edited).
func (r *ruleSet) builtin() bool {
	return r.data == nil || string(r.data) == string(rules.All())
}

// readRules loads the rules file at path, or the embedded rules for "" and
// "default".
func readRules(path string) (*ruleSet, error) {
	if path == "" || path == builtinRules {
		t, err := builtinTagger()
		if err != nil {
			return nil, fmt.Errorf("load embedded rules: %w", err)
		}
		return &ruleSet{tagger: t, source: "built-in"}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	t, err := rulesCache().Load(data)
	if err != nil {
		return nil, fmt.Errorf("load rules %s: %w", path, err)
	}
	return &ruleSet{tagger: t, data: data, source: path}, nil
}

// rulesFor picks the rules of a command that tags a data directory's
// documents: --rules when given ("default" for the built-in rules), else
// the rules the directory remembers, said in one line on stderr, else the
// built-in rules.
func rulesFor(c *cli.Context, d *datadir.Dir) (*ruleSet, error) {
	if c.IsSet("rules") {
		return readRules(c.String("rules"))
	}
	rs, err := rememberedRules(c, d)
	if rs != nil || err != nil {
		return rs, err
	}
	return readRules("")
}

// rememberedRules is rulesFor's choice when the data directory remembers
// rules (said in one line on stderr), else nil.
func rememberedRules(c *cli.Context, d *datadir.Dir) (*ruleSet, error) {
	mem, err := d.RememberedRules(c.Context)
	if err != nil || mem == nil {
		return nil, err
	}
	t, err := rulesCache().Load(mem.Data)
	if err != nil {
		return nil, fmt.Errorf("load the rules %s remembers (from %s): %w", d.Path, mem.Source, err)
	}
	fmt.Fprintf(c.App.ErrWriter, "normtag: tagging with the rules this data directory remembers: %s (version %s, from retag --rules on %s); --rules default returns to the built-in rules\n",
		mem.Source, t.Version(), mem.Since.Format("2006-01-02"))
	return &ruleSet{tagger: t, data: mem.Data, source: mem.Source, remembered: true}, nil
}
