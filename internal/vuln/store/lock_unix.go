//go:build unix

package store

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lock takes the import lock of the database at path (path.lock, held
// with flock for as long as the import runs, released by the kernel when
// the process dies however it dies) and returns its release.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path + ".lock")
		f.Close()
		who := ""
		if pid := strings.TrimSpace(string(holder)); pid != "" {
			who = " (process " + pid + ")"
		}
		return nil, fmt.Errorf("%w%s: %s; try again when it has finished", ErrBusy, who, path)
	}
	f.Truncate(0)
	f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
