//go:build !normtagtest

package remote

// workerTestHook does nothing in normal builds; see hook.go.
func workerTestHook(string) {}

// inPlaceTestHook hides no file in normal builds; see hook.go.
func inPlaceTestHook(string) bool { return false }
