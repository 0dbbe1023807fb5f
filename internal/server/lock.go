package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dirLock holds an exclusive lock on the data directory, so that a second
// Bindery process started on it fails at once instead of fighting over the
// dataset files and deleting what the first is writing.
type dirLock struct{ f *os.File }

func lockDataDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "bindery.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		raw, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := strings.TrimSpace(string(raw))
			return nil, fmt.Errorf("data directory %s is in use by another Bindery process (pid %s); "+
				"stop it, or give this one its own --data", dir, holder)
		}
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}

// cleanUploads removes uploads a crash left behind; they are spooled copies, never the data.
func cleanUploads(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "uploads", "upload-*"))
	for _, f := range files {
		_ = os.Remove(f)
	}
}
