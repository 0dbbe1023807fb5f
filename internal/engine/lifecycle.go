package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// nextCatalog is the name the version being built is attached under.
const nextCatalog = `"bindery_next"`

// lockWriter returns the dataset's state with its writer lock held.
func (m *Manager) lockWriter(id string) (*dataset, error) {
	for {
		ds, err := m.entry(id)
		if err != nil {
			return nil, err
		}
		ds.write.Lock()
		m.mu.Lock()
		dropped := ds.dropped
		m.mu.Unlock()
		if !dropped {
			return ds, nil
		}
		// Dropped while we waited: the id now names a fresh entry.
		ds.write.Unlock()
	}
}

// withWriter runs fn with the writer lock and a reference on the current version.
func (m *Manager) withWriter(id string, fn func(ds *dataset, h *handle) error) error {
	ds, err := m.lockWriter(id)
	if err != nil {
		return err
	}
	defer ds.write.Unlock()
	h, err := m.acquire(ds)
	if err != nil {
		return err
	}
	defer m.release(h)
	return fn(ds, h)
}

// Create creates the dataset's first version with the empty tables of def.
// It fails with a conflict when the dataset exists.
func (m *Manager) Create(ctx context.Context, datasetID string, def *model.DatasetDefinition) error {
	if err := checkDefinition(def); err != nil {
		return err
	}
	ds, err := m.lockWriter(datasetID)
	if err != nil {
		return err
	}
	defer ds.write.Unlock()
	if _, ok, err := readCurrent(ds.dir); err != nil {
		return fmt.Errorf("engine: %w", err)
	} else if ok {
		return errs.Conflict("DatasetExists", "dataset %q already holds data", datasetID)
	}
	if err := os.MkdirAll(ds.dir, 0o755); err != nil {
		return fmt.Errorf("engine: create dataset: %w", err)
	}
	if _, err := cleanLeftovers(ds.dir, 0); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	v := m.nextVersion(ds.dir, 0)
	path := filepath.Join(ds.dir, versionName(v))
	err = m.buildFirst(ctx, path, def)
	if err == nil {
		err = writeCurrent(ds.dir, v)
	}
	if err != nil {
		_ = removeVersion(ds.dir, v)
		return fmt.Errorf("engine: create dataset %s: %w", datasetID, err)
	}
	m.log.Info("created dataset", "dataset", datasetID, "version", v, "tables", len(def.Tables))
	return nil
}

func (m *Manager) buildFirst(ctx context.Context, path string, def *model.DatasetDefinition) error {
	db, err := m.openDB(path)
	if err != nil {
		return err
	}
	defer db.Close()
	for i := range def.Tables {
		ddl, err := createTableSQL("", &def.Tables[i])
		if err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("create table %q: %w", def.Tables[i].Name, err)
		}
	}
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	return syncPath(path)
}

// Drop closes the dataset and removes its files. Reads already running finish
// on the (unlinked) files; new ones fail with NotFound.
func (m *Manager) Drop(ctx context.Context, datasetID string) error {
	ds, err := m.lockWriter(datasetID)
	if err != nil {
		return err
	}
	defer ds.write.Unlock()
	if _, ok, err := readCurrent(ds.dir); err != nil {
		return fmt.Errorf("engine: %w", err)
	} else if !ok {
		return errs.NotFound("dataset", datasetID)
	}
	ds.open.Lock() // no concurrent open or idle close
	m.mu.Lock()
	ds.dropped = true
	delete(m.sets, datasetID)
	h := ds.cur
	ds.cur = nil
	closeNow := false
	if h != nil {
		h.retired, h.keepFile = true, true
		closeNow = h.refs == 0
	}
	m.mu.Unlock()
	ds.open.Unlock()
	if closeNow {
		m.closeRetired(h)
	}
	if err := os.RemoveAll(ds.dir); err != nil {
		return fmt.Errorf("engine: drop dataset %s: %w", datasetID, err)
	}
	m.log.Info("dropped dataset", "dataset", datasetID)
	return nil
}

// rebuild writes the next version of the dataset: the tables of def, copied
// from the current version except the one named by fresh, which fill loads.
// Then it switches CURRENT and retires h. The caller holds the writer lock
// and a reference on h. Any failure leaves the current version untouched.
func (m *Manager) rebuild(ctx context.Context, ds *dataset, h *handle, def *model.DatasetDefinition,
	fresh string, fill func(ctx context.Context, conn *sql.Conn, prefix string) error) (int, error) {
	next := m.nextVersion(ds.dir, h.version)
	path := filepath.Join(ds.dir, versionName(next))
	if err := removeVersion(ds.dir, next); err != nil {
		return 0, fmt.Errorf("engine: %w", err)
	}
	conn, err := h.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("engine: %w", err)
	}
	defer conn.Close()
	var cur string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&cur); err != nil {
		return 0, fmt.Errorf("engine: %w", err)
	}
	// The current instance attaches the new file: a second instance on the
	// current file in this process is not allowed.
	if _, err := conn.ExecContext(ctx, "ATTACH "+quoteString(path)+" AS "+nextCatalog); err != nil {
		return 0, fmt.Errorf("engine: attach new version: %w", err)
	}
	attached := true
	defer func() {
		if attached {
			_, _ = conn.ExecContext(context.Background(), "DETACH "+nextCatalog)
			_ = removeVersion(ds.dir, next)
		}
	}()
	prefix := nextCatalog + ".main."
	for i := range def.Tables {
		t := &def.Tables[i]
		ddl, err := createTableSQL(prefix, t)
		if err != nil {
			return 0, err
		}
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return 0, fmt.Errorf("engine: create table %q: %w", t.Name, err)
		}
		if strings.EqualFold(t.Name, fresh) {
			continue
		}
		if err := copyTable(ctx, conn, cur, prefix, t); err != nil {
			return 0, err
		}
	}
	if err := fill(ctx, conn, prefix); err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, "CHECKPOINT "+nextCatalog); err != nil {
		return 0, fmt.Errorf("engine: checkpoint new version: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "DETACH "+nextCatalog); err != nil {
		return 0, fmt.Errorf("engine: detach new version: %w", err)
	}
	err = syncPath(path)
	if err == nil {
		err = writeCurrent(ds.dir, next)
	}
	if err != nil {
		// If the rename happened (only the directory sync failed) the new
		// version is live and must stay.
		if v, ok, _ := readCurrent(ds.dir); !ok || v != next {
			return 0, fmt.Errorf("engine: %w", err)
		}
		m.log.Warn("switched version but could not sync the directory", "dataset", ds.id, "err", err)
	}
	attached = false
	m.mu.Lock()
	if ds.cur == h {
		ds.cur = nil // the next acquire opens the new version
	}
	h.retired = true
	m.mu.Unlock()
	m.log.Info("switched dataset version", "dataset", ds.id, "from", h.version, "to", next)
	return next, nil
}

// copyTable copies the columns t shares (by name) with the same table of the
// current version, so a rebuild also carries data across definition changes.
func copyTable(ctx context.Context, conn *sql.Conn, cur, prefix string, t *model.Table) error {
	rows, err := conn.QueryContext(ctx, `SELECT column_name FROM duckdb_columns()
		WHERE database_name = ? AND schema_name = 'main' AND lower(table_name) = lower(?)`, cur, t.Name)
	if err != nil {
		return fmt.Errorf("engine: columns of %q: %w", t.Name, err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return fmt.Errorf("engine: columns of %q: %w", t.Name, err)
		}
		have[strings.ToLower(c)] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("engine: columns of %q: %w", t.Name, err)
	}
	var cols []string
	for _, c := range t.Columns {
		if have[strings.ToLower(c.Name)] {
			cols = append(cols, quoteIdent(c.Name))
		}
	}
	if len(cols) == 0 {
		return nil // a new table, or nothing in common
	}
	list := strings.Join(cols, ", ")
	q := "INSERT INTO " + prefix + quoteIdent(t.Name) + " (" + list + ") SELECT " + list +
		" FROM " + quoteIdent(cur) + ".main." + quoteIdent(t.Name)
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("engine: copy table %q: %w", t.Name, err)
	}
	return nil
}
