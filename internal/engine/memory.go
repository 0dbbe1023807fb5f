package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// SetMemoryLimit sets the memory limit of one dataset's DuckDB instance in MB
// (0 = Options.MemoryLimitMB, or DuckDB's default), for example from the
// capacity its workspace is on. It is cheap when the limit is unchanged; the
// limit takes effect at the dataset's next Read and survives idle closes.
func (m *Manager) SetMemoryLimit(datasetID string, mb int) error {
	if mb < 0 {
		return errors.New("engine: negative memory limit")
	}
	ds, err := m.entry(datasetID)
	if err != nil {
		return err
	}
	m.mu.Lock()
	ds.memMB = mb
	m.mu.Unlock()
	return nil
}

// applyMemoryLimit brings h to the dataset's memory limit. SET memory_limit
// is global to the DuckDB instance, which is this dataset's alone.
func (m *Manager) applyMemoryLimit(ctx context.Context, ds *dataset, h *handle) error {
	m.mu.Lock()
	want, have := ds.memMB, h.memMB
	m.mu.Unlock()
	if want == have {
		return nil
	}
	stmt := "RESET memory_limit"
	if mb := want; mb > 0 || m.opts.MemoryLimitMB > 0 {
		if mb == 0 {
			mb = m.opts.MemoryLimitMB
		}
		stmt = "SET memory_limit = '" + strconv.Itoa(mb) + "MB'"
	}
	if _, err := h.db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("engine: set memory limit: %w", err)
	}
	m.mu.Lock()
	h.memMB = want
	m.mu.Unlock()
	return nil
}
