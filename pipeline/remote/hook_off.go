//go:build !normtagtest

package remote

// workerTestHook does nothing in normal builds; see hook.go.
func workerTestHook(string) {}
