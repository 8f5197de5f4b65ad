//go:build unix && !linux

package isolate

import "syscall"

// childSysProcAttr: without Pdeathsig, the child's exitWhenOrphaned
// watch ends it when normtag dies.
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// addressSpaceInUse is not measured here; the cap counts from zero.
func addressSpaceInUse() uint64 { return 0 }
