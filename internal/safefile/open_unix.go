//go:build unix

package safefile

import "syscall"

// openFlags makes opening a named pipe return at once instead of waiting
// for a writer; reads of regular files ignore the flag.
const openFlags = syscall.O_NONBLOCK
