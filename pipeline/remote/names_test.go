package remote

import (
	"strings"
	"testing"
)

func TestNewNamesRefusesWhatIsNotOneToken(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		ok     bool
	}{
		{"", true}, {"normtag", true}, {"corpus-2_b", true},
		{"a.b", false}, {"a b", false}, {"a*", false}, {"a>", false}, {strings.Repeat("x", 65), false},
	} {
		n, err := NewNames(tc.prefix)
		if (err == nil) != tc.ok {
			t.Errorf("NewNames(%q): err %v, want ok %v", tc.prefix, err, tc.ok)
			continue
		}
		if err == nil && (strings.Count(n.JobSubject(), ".") != 1 || strings.ContainsAny(n.JobStream()+n.Files()+n.ResultStream()+n.LargeResults(), ". ")) {
			t.Errorf("NewNames(%q) gives bad names: %s %s %s", tc.prefix, n.JobSubject(), n.JobStream(), n.Files())
		}
	}
}

func TestConnectErrorDoesNotPrintSecrets(t *testing.T) {
	// Nothing listens on port 1: the connection is refused at once.
	_, _, err := Connect(ConnOptions{URL: "nats://alice:s3cret-pw@127.0.0.1:1", User: "bob", Password: "other-s3cret"})
	if err == nil {
		t.Fatal("connected to nothing")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("error should name the server but no password: %s", msg)
	}
}

func TestJobKeyChangesWithRulesAndLimits(t *testing.T) {
	base := jobKey("", Limits{MaxFileSize: 100})
	if base == jobKey("abc", Limits{MaxFileSize: 100}) || base == jobKey("", Limits{MaxFileSize: 101}) {
		t.Error("a result made under other rules or limits would be taken for this job's")
	}
	if base != jobKey("", Limits{MaxFileSize: 100}) {
		t.Error("the same job gets two keys")
	}
}
