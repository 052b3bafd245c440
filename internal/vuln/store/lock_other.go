//go:build !unix

package store

import (
	"errors"
	"fmt"
	"os"
)

// lock takes the import lock of the database at path: a lock file
// created exclusively and removed on release. A process killed while
// holding it leaves the file, which the message names.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%w: %s (if no import is running, remove %s.lock)", ErrBusy, path, path)
	}
	if err != nil {
		return nil, err
	}
	f.Close()
	return func() { os.Remove(path + ".lock") }, nil
}
