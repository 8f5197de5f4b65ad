//go:build !normtagprof

package main

// startProfile does nothing in normal builds; see profile.go.
func startProfile([]string) (stop func()) { return func() {} }
