package isolate

import (
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// limitMemory only tunes the Go runtime: the hard cap is the job object
// the parent puts the child in.
func limitMemory(limit int64) { debug.SetMemoryLimit(limit / 2) }

// limitCPU is not enforced on Windows; the parent's wall-clock timeout
// still applies, and the job object kills children with their parent.
func limitCPU(time.Duration) {}

func exitOnCPULimit() {}

// exitWhenOrphaned exits when the parent process ends. The job object
// already kills the child then; this covers a child outside any job.
func exitWhenOrphaned() {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(os.Getppid()))
	if err != nil {
		return
	}
	windows.WaitForSingleObject(h, windows.INFINITE)
	fmt.Fprintln(os.Stderr, "isolate child: parent exited")
	os.Exit(1)
}

// prepareChild passes the protocol pipes as inherited handles, whose
// values the child reads from its arguments (ExtraFiles does not exist on
// Windows).
func prepareChild(cmd *exec.Cmd, requests, responses *os.File) error {
	var handles []syscall.Handle
	for _, f := range []*os.File{requests, responses} {
		h := windows.Handle(f.Fd())
		if err := windows.SetHandleInformation(h, windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT); err != nil {
			return fmt.Errorf("isolate: make pipe inheritable: %w", err)
		}
		handles = append(handles, syscall.Handle(h))
		cmd.Args = append(cmd.Args, strconv.FormatUint(uint64(h), 10))
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{AdditionalInheritedHandles: handles}
	return nil
}

func killChild(cmd *exec.Cmd) { cmd.Process.Kill() }

// jobs is a job object holding every child of a pool: it caps each
// child's memory, and closing it (which Windows does when normtag dies)
// kills them all.
type jobs struct{ h windows.Handle }

func newJobs(memoryLimit int64) (*jobs, error) {
	h, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return nil, fmt.Errorf("isolate: create job object: %w", err)
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if memoryLimit > 0 {
		info.BasicLimitInformation.LimitFlags |= windows.JOB_OBJECT_LIMIT_PROCESS_MEMORY
		info.ProcessMemoryLimit = uintptr(memoryLimit)
	}
	if _, err := windows.SetInformationJobObject(h, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(h)
		return nil, fmt.Errorf("isolate: set job limits: %w", err)
	}
	return &jobs{h: h}, nil
}

func (j *jobs) add(cmd *exec.Cmd) error {
	p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
	if err != nil {
		return fmt.Errorf("isolate: open child process: %w", err)
	}
	defer windows.CloseHandle(p)
	if err := windows.AssignProcessToJobObject(j.h, p); err != nil {
		return fmt.Errorf("isolate: put child in job object: %w", err)
	}
	return nil
}

func (j *jobs) close() { windows.CloseHandle(j.h) }
