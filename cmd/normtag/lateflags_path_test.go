package main

import (
	"strings"
	"testing"
)

// TestLateFlagMessageNamesTheWholeCommand: a subcommand's late-flag
// error gives the command line to type with its parent command in it
// ("normtag watch new ...", not "normtag new ...", which does not exist).
func TestLateFlagMessageNamesTheWholeCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"watch", "new", "gall", "--format", "json"}, `watch new: flag --format comes after the argument "gall"; put flags before it: normtag watch new --format json gall`},
		{[]string{"rules", "explain", "some text", "--format", "json"}, `rules explain: flag --format comes after the argument "some text"; put flags before it: normtag rules explain --format json 'some text'`},
		{[]string{"search", "cyber", "--norm", "g"}, `search: flag --norm comes after the query "cyber"; put flags before it: normtag search --norm g cyber`},
	} {
		code, _, errs := normtag(t, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("normtag %s: exit %d\n%s\nwant %q", strings.Join(tc.args, " "), code, errs, tc.want)
		}
	}
}
