//go:build !normtagtest

package remote

// retagTestHook does nothing in normal builds; see retaghook.go.
func retagTestHook([]RetagDoc) {}
