package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/errs"
)

// DefaultIdleTimeout is how long an unused dataset stays open.
const DefaultIdleTimeout = 5 * time.Minute

// ErrClosed is returned by calls on a closed Manager.
var ErrClosed = errors.New("engine: manager is closed")

// Options configure a Manager. Zero values take the defaults.
type Options struct {
	// Dir holds one sub-directory per dataset. Required; created if missing.
	Dir string
	// IdleTimeout closes a dataset unused for this long (default DefaultIdleTimeout).
	IdleTimeout time.Duration
	// Logger receives open/close/swap events; nil discards them.
	Logger *slog.Logger
	// MemoryLimitMB caps DuckDB's memory per open dataset; 0 keeps DuckDB's default.
	MemoryLimitMB int
	// Threads caps DuckDB's threads per open dataset; 0 keeps DuckDB's default.
	Threads int
}

// Manager holds the Import datasets of one directory. It is safe for
// concurrent use. Only one process may use a directory at a time (DuckDB
// locks every open file against other processes).
type Manager struct {
	opts Options
	log  *slog.Logger

	mu     sync.Mutex // guards sets, live, closed and every dataset's cur and handle refs
	sets   map[string]*dataset
	live   map[string]int // open DuckDB instances by file path (DuckDB caches instances by path)
	closed bool

	stop chan struct{}
	done chan struct{}
}

// dataset is the in-process state of one dataset directory.
type dataset struct {
	id, dir string
	write   sync.Mutex // one writer (create, import, append, delete, drop) at a time
	open    sync.Mutex // held while opening or idle-closing cur
	cleaned bool       // leftovers removed since this process first used it; guarded by open
	cur     *handle    // the open current version, nil when closed; guarded by Manager.mu
	dropped bool       // guarded by Manager.mu
	memMB   int        // memory limit asked by SetMemoryLimit, 0 = Options.MemoryLimitMB; guarded by Manager.mu
}

// handle is one open version file. Reads and writers hold a reference; a
// retired handle (replaced by a newer version) closes and deletes its file
// when its last reference is released.
type handle struct {
	db       *sql.DB
	dir      string
	version  int
	refs     int
	lastUsed time.Time
	retired  bool
	keepFile bool // the file is already gone or must stay (dropped dataset)
	memMB    int  // memory limit applied by SetMemoryLimit, 0 = as opened; guarded by Manager.mu
}

// Open starts a Manager on opts.Dir, removing the leftovers of imports that
// crashed, and starts closing idle datasets in the background.
func Open(opts Options) (*Manager, error) {
	if opts.Dir == "" {
		return nil, errors.New("engine: Options.Dir is required")
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	m := &Manager{opts: opts, log: log, sets: map[string]*dataset{}, live: map[string]int{}, stop: make(chan struct{}), done: make(chan struct{})}
	if err := m.cleanAll(); err != nil {
		return nil, err
	}
	go m.idleLoop()
	return m, nil
}

// cleanAll removes leftovers in every dataset directory; a directory without
// CURRENT is a Create that crashed and is removed if it holds only our files.
func (m *Manager) cleanAll() error {
	entries, err := os.ReadDir(m.opts.Dir)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || checkID(e.Name()) != nil {
			continue
		}
		dir := filepath.Join(m.opts.Dir, e.Name())
		v, ok, err := readCurrent(dir)
		if err != nil {
			return fmt.Errorf("engine: %w", err)
		}
		removed, err := cleanLeftovers(dir, v) // v == 0 when !ok: every version is a leftover
		if err != nil {
			return fmt.Errorf("engine: %w", err)
		}
		if !ok {
			_ = os.Remove(dir) // only succeeds when nothing else is in it
		}
		if len(removed) > 0 {
			m.log.Warn("removed leftovers of an interrupted import", "dataset", e.Name(), "files", removed)
		}
	}
	return nil
}

// Close closes every open dataset and stops the idle closer. Reads still
// running fail.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	var hs []*handle
	for _, ds := range m.sets {
		if ds.cur != nil {
			hs = append(hs, ds.cur)
			ds.cur = nil
		}
	}
	m.mu.Unlock()
	close(m.stop)
	<-m.done
	var firstErr error
	for _, h := range hs {
		if err := m.closeDB(h); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// entry returns the state of a dataset, creating it on first use.
func (m *Manager) entry(id string) (*dataset, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	ds, ok := m.sets[id]
	if !ok {
		ds = &dataset{id: id, dir: filepath.Join(m.opts.Dir, id)}
		m.sets[id] = ds
	}
	return ds, nil
}

// acquire returns a referenced handle on the current version, opening it if needed.
func (m *Manager) acquire(ds *dataset) (*handle, error) {
	if h, err := m.ref(ds); h != nil || err != nil {
		return h, err
	}
	ds.open.Lock()
	defer ds.open.Unlock()
	if h, err := m.ref(ds); h != nil || err != nil {
		return h, err
	}
	h, err := m.openCurrent(ds)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || ds.dropped {
		m.mu.Unlock()
		_ = m.closeDB(h)
		m.mu.Lock()
		if m.closed {
			return nil, ErrClosed
		}
		return nil, errs.NotFound("dataset", ds.id)
	}
	h.refs = 1
	ds.cur = h
	return h, nil
}

// ref takes a reference on the open current version; (nil, nil) when closed.
func (m *Manager) ref(ds *dataset) (*handle, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.closed:
		return nil, ErrClosed
	case ds.dropped:
		return nil, errs.NotFound("dataset", ds.id)
	case ds.cur != nil:
		ds.cur.refs++
		return ds.cur, nil
	}
	return nil, nil
}

// release drops a reference; the last reference on a retired handle closes it
// and deletes its file.
func (m *Manager) release(h *handle) {
	m.mu.Lock()
	h.refs--
	h.lastUsed = time.Now()
	last := h.retired && h.refs == 0
	m.mu.Unlock()
	if last {
		m.closeRetired(h)
	}
}

func (m *Manager) closeRetired(h *handle) {
	if err := m.closeDB(h); err != nil {
		m.log.Error("close retired dataset version", "dir", h.dir, "version", h.version, "err", err)
	}
	if h.keepFile {
		return
	}
	if err := removeVersion(h.dir, h.version); err != nil {
		m.log.Error("remove retired dataset version", "dir", h.dir, "version", h.version, "err", err)
		return
	}
	m.log.Debug("removed retired dataset version", "dir", h.dir, "version", h.version)
}

// openCurrent opens the version CURRENT names; ds.open is held.
func (m *Manager) openCurrent(ds *dataset) (*handle, error) {
	v, ok, err := readCurrent(ds.dir)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if !ok {
		return nil, errs.NotFound("dataset", ds.id)
	}
	if !ds.cleaned {
		removed, err := cleanLeftovers(ds.dir, v)
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		if len(removed) > 0 {
			m.log.Warn("removed leftovers of an interrupted import", "dataset", ds.id, "files", removed)
		}
		ds.cleaned = true
	}
	db, err := m.openDB(filepath.Join(ds.dir, versionName(v)))
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.live[filepath.Join(ds.dir, versionName(v))]++
	m.mu.Unlock()
	m.log.Debug("opened dataset", "dataset", ds.id, "version", v)
	return &handle{db: db, dir: ds.dir, version: v, lastUsed: time.Now()}, nil
}

// openDB opens one DuckDB file with the Manager's limits. Every connection
// works in UTC so that time zone offsets in imported text convert the same way
// on every machine.
func (m *Manager) openDB(path string) (*sql.DB, error) {
	dsn := path
	sep := "?"
	if m.opts.MemoryLimitMB > 0 {
		dsn += sep + "memory_limit=" + strconv.Itoa(m.opts.MemoryLimitMB) + "MB"
		sep = "&"
	}
	if m.opts.Threads > 0 {
		dsn += sep + "threads=" + strconv.Itoa(m.opts.Threads)
	}
	c, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(context.Background(), "LOAD icu; SET TimeZone = 'UTC'", nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("engine: open %s: %w", path, err)
	}
	return sql.OpenDB(c), nil
}

// closeDB closes a handle's database and forgets its path.
func (m *Manager) closeDB(h *handle) error {
	err := h.db.Close()
	m.mu.Lock()
	p := filepath.Join(h.dir, versionName(h.version))
	if m.live[p]--; m.live[p] <= 0 {
		delete(m.live, p)
	}
	m.mu.Unlock()
	return err
}

// nextVersion returns the first version after v whose file no open instance
// uses: DuckDB shares instances by path, so a path still open (a retired
// version, or a dropped dataset's) must not be reused.
func (m *Manager) nextVersion(dir string, v int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		v++
		if m.live[filepath.Join(dir, versionName(v))] == 0 {
			return v
		}
	}
}

// idleLoop closes datasets that nobody used for IdleTimeout.
func (m *Manager) idleLoop() {
	defer close(m.done)
	period := min(max(m.opts.IdleTimeout/2, 10*time.Millisecond), 30*time.Second)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.closeIdle(time.Now())
		}
	}
}

func (m *Manager) closeIdle(now time.Time) {
	idle := func(ds *dataset) bool {
		return ds.cur != nil && ds.cur.refs == 0 && now.Sub(ds.cur.lastUsed) >= m.opts.IdleTimeout
	}
	m.mu.Lock()
	var cands []*dataset
	for _, ds := range m.sets {
		if idle(ds) {
			cands = append(cands, ds)
		}
	}
	m.mu.Unlock()
	for _, ds := range cands {
		// Closing under ds.open keeps a concurrent acquire from reopening the
		// same file while this instance is still closing.
		ds.open.Lock()
		m.mu.Lock()
		var h *handle
		if !m.closed && idle(ds) {
			h, ds.cur = ds.cur, nil
		}
		m.mu.Unlock()
		if h != nil {
			if err := m.closeDB(h); err != nil {
				m.log.Error("close idle dataset", "dataset", ds.id, "err", err)
			} else {
				m.log.Debug("closed idle dataset", "dataset", ds.id, "version", h.version)
			}
		}
		ds.open.Unlock()
	}
}

// Read runs fn against the dataset's current version. The version stays open
// and on disk until fn returns, even if an import replaces it meanwhile; fn
// must not keep db after returning. fn's errors are returned as they are.
func (m *Manager) Read(ctx context.Context, datasetID string, fn func(ctx context.Context, db *sql.DB) error) error {
	ds, err := m.entry(datasetID)
	if err != nil {
		return err
	}
	h, err := m.acquire(ds)
	if err != nil {
		return err
	}
	defer m.release(h)
	if err := m.applyMemoryLimit(ctx, ds, h); err != nil {
		return err
	}
	return fn(ctx, h.db)
}

// Version returns the live version number of a dataset (it grows with every full reload).
func (m *Manager) Version(ctx context.Context, datasetID string) (int, error) {
	ds, err := m.entry(datasetID)
	if err != nil {
		return 0, err
	}
	h, err := m.acquire(ds)
	if err != nil {
		return 0, err
	}
	defer m.release(h)
	return h.version, nil
}
