package tag

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOneYAMLLibrary: the program links a single YAML library, the
// maintained go.yaml.in/yaml/v3; the archived gopkg.in/yaml.v3 crept in
// once beside it.
func TestOneYAMLLibrary(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found; cannot list dependencies")
	}
	cmd := exec.Command(goBin, "list", "-deps", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	found := false
	for _, d := range deps {
		if strings.HasPrefix(d, "gopkg.in/yaml") {
			t.Errorf("the program links %s; use go.yaml.in/yaml/v3", d)
		}
		if d == "go.yaml.in/yaml/v3" {
			found = true
		}
	}
	if !found {
		t.Errorf("go.yaml.in/yaml/v3 missing from the dependencies of ./... (%d packages listed)", len(deps))
	}
}
