package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.md")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(got) != "new" || st.Mode().Perm() != 0o644 {
		t.Errorf("file = %q, mode %v", got, st.Mode())
	}
	// A folder that does not exist: an error, the old file untouched and
	// nothing left behind.
	if err := Write(filepath.Join(dir, "missing", "x"), []byte("x"), 0o644); err == nil {
		t.Error("write into a missing folder succeeded")
	}
	// A target that is a folder: the rename fails, no temporary file stays.
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(dir, "sub"), []byte("x"), 0o644); err == nil {
		t.Error("overwriting a folder succeeded")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteRespectsWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	// A symbolic link stays one; its target gets the data.
	target := filepath.Join(dir, "report.json")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink("report.json", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := os.Lstat(link); err != nil || l.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file: %v", err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("target = %q", got)
	}
	// A dangling link: its target is created.
	dangling := filepath.Join(dir, "next.json")
	if err := os.Symlink("made.json", dangling); err != nil {
		t.Fatal(err)
	}
	if err := Write(dangling, []byte("made"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "made.json")); string(got) != "made" {
		t.Errorf("dangling link's target = %q", got)
	}
	// A named pipe is written through, not replaced.
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		data, _ := os.ReadFile(fifo)
		got <- data
	}()
	if err := Write(fifo, []byte("through"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data := <-got; string(data) != "through" {
		t.Errorf("read from the FIFO: %q", data)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	// Errors name the caller's path, not a temporary file.
	err := Write(filepath.Join(dir, "missing", "out.json"), []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "missing", "out.json")) || strings.Contains(err.Error(), ".out.json.") {
		t.Errorf("error = %v", err)
	}
	if err := Write(dir, []byte("x"), 0o644); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}

// TestWriteFunc: streamed output lands whole; when the producer fails,
// the previous file stays, no temporary file is left, and the producer's
// own error comes back as it is, not as a failure to write.
func TestWriteFunc(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "scan.json")
	big := strings.Repeat("x", 1<<20)
	err := WriteFunc(p, 0o644, func(w io.Writer) error {
		for i := 0; i < 3; i++ {
			if _, err := io.WriteString(w, big); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); len(got) != 3<<20 {
		t.Fatalf("wrote %d bytes, want %d", len(got), 3<<20)
	}
	own := &fs.PathError{Op: "open", Path: "policy.yaml", Err: fs.ErrNotExist}
	err = WriteFunc(p, 0o644, func(w io.Writer) error {
		io.WriteString(w, "half")
		return own
	})
	if err != own {
		t.Errorf("error %v, want the producer's own", err)
	}
	if got, _ := os.ReadFile(p); len(got) != 3<<20 {
		t.Error("a failed write changed the file")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".scan.json.*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A failure to write the file names the user's path.
	full := "/dev/full"
	if _, err := os.Stat(full); err != nil {
		t.Skip("no /dev/full here")
	}
	err = WriteFunc(full, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, big)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "write /dev/full") {
		t.Errorf("writing to a full device: %v", err)
	}
}
