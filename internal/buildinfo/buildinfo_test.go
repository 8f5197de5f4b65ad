package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestExact(t *testing.T) {
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	for _, c := range []struct {
		name string
		info *debug.BuildInfo
		want bool
	}{
		{"release", info("v1.2.3"), true},
		{"release with changes", info("v1.2.3+dirty"), false},
		{"clean checkout", info("(devel)", "vcs.revision", "abc", "vcs.modified", "false"), true},
		{"checkout with changes", info("(devel)", "vcs.revision", "abc", "vcs.modified", "true"), false},
		{"checkout, changes not recorded", info("(devel)", "vcs.revision", "abc"), false},
		{"no version, no commit", info(""), false},
	} {
		if got := Of(c.info).Exact(); got != c.want {
			t.Errorf("%s: Exact() = %v, want %v", c.name, got, c.want)
		}
	}
	if s := Of(info("(devel)", "vcs.revision", "abc", "vcs.modified", "true")); s.Revision != "abc" || s.Modified != "true" {
		t.Errorf("Of read %+v", s)
	}
}
