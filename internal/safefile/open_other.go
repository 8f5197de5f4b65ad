//go:build !unix

package safefile

// openFlags: opening a file does not block on these systems' special
// files the way a Unix named pipe does.
const openFlags = 0
