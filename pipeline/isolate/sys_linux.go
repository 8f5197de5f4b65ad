package isolate

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// childSysProcAttr has the kernel kill the child when normtag dies, even
// by SIGKILL, so no parser keeps running without a parent.
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// addressSpaceInUse is the size of this process's mappings, in bytes
// (the first field of /proc/self/statm, in pages), or 0 if unknown.
func addressSpaceInUse() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	field, _, _ := bytes.Cut(b, []byte(" "))
	pages, err := strconv.ParseUint(string(field), 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
