package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
)

// currentFile names the pointer file that holds the name of the live version.
const currentFile = "CURRENT"

var (
	datasetIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	versionPattern   = regexp.MustCompile(`^v([0-9]{6,})\.duckdb$`)
)

// checkID keeps dataset ids usable as a single path component.
func checkID(id string) error {
	if !datasetIDPattern.MatchString(id) {
		return errs.Invalid("datasetId", "must be 1 to 64 letters, digits, '-' or '_'")
	}
	return nil
}

func versionName(v int) string { return fmt.Sprintf("v%06d.duckdb", v) }

// readCurrent returns the live version of the dataset in dir, or ok=false when
// the dataset does not exist (no CURRENT file).
func readCurrent(dir string) (version int, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read %s: %w", currentFile, err)
	}
	m := versionPattern.FindStringSubmatch(strings.TrimSpace(string(b)))
	if m == nil {
		return 0, false, fmt.Errorf("%s in %s holds %q, not a version file name", currentFile, dir, b)
	}
	v, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false, fmt.Errorf("%s in %s: %w", currentFile, dir, err)
	}
	return v, true, nil
}

// writeCurrent points CURRENT at version v atomically: a reader of the
// directory sees either the old or the new name, also after a crash.
func writeCurrent(dir string, v int) error {
	tmp := filepath.Join(dir, currentFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write %s: %w", currentFile, err)
	}
	_, err = f.WriteString(versionName(v) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", currentFile, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, currentFile)); err != nil {
		return fmt.Errorf("rename %s: %w", currentFile, err)
	}
	return syncPath(dir)
}

// syncPath fsyncs a file or directory, making a finished file or a rename durable.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// removeVersion deletes a version file and the write-ahead log DuckDB keeps beside it.
func removeVersion(dir string, v int) error {
	p := filepath.Join(dir, versionName(v))
	var firstErr error
	for _, f := range []string{p, p + ".wal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// cleanLeftovers deletes the files of dir that are not the live version: the
// versions of imports that crashed before switching CURRENT, a half-written
// CURRENT.tmp, and retired versions whose deletion was interrupted. Files that
// Bindery did not name are left alone. It returns the names it removed.
func cleanLeftovers(dir string, live int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("clean %s: %w", dir, err)
	}
	keep := versionName(live)
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == keep || name == keep+".wal" || name == currentFile {
			continue
		}
		ours := name == currentFile+".tmp" || versionPattern.MatchString(strings.TrimSuffix(name, ".wal"))
		if !ours {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("clean %s: %w", dir, err)
		}
		removed = append(removed, name)
	}
	return removed, nil
}
