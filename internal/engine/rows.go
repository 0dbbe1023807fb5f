package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// MaxAppendRows caps the rows of one AppendRows call, as Power BI caps a push.
const MaxAppendRows = 10000

// AppendRows validates rows against the table of def and appends them all or
// none. Keys name columns case-insensitively; a missing key is null. It
// returns the number of rows appended.
func (m *Manager) AppendRows(ctx context.Context, datasetID string, def *model.DatasetDefinition, table string, rows []map[string]any) (int, error) {
	t, err := lookupTable(def, table)
	if err != nil {
		return 0, err
	}
	if len(rows) > MaxAppendRows {
		return 0, errs.New(errs.KindTooLarge, "TooManyRowsInRequest",
			"a request may add at most %d rows, this one has %d", MaxAppendRows, len(rows))
	}
	values, err := rowValues(t, rows)
	if err != nil {
		return 0, err
	}
	if len(values) == 0 {
		_, err := m.Version(ctx, datasetID) // still NotFound for an unknown dataset
		return 0, err
	}
	err = m.withWriter(datasetID, func(ds *dataset, h *handle) error {
		return appendValues(ctx, h.db, t, values)
	})
	if err != nil {
		return 0, err
	}
	return len(values), nil
}

// rowValues converts rows to appender values in column order, failing on the
// first bad field (columns in model order, then unknown keys sorted).
func rowValues(t *model.Table, rows []map[string]any) ([][]driver.Value, error) {
	out := make([][]driver.Value, len(rows))
	for i, row := range rows {
		vals := make([]driver.Value, len(t.Columns))
		used := 0
		for j, c := range t.Columns {
			key, v, n := lookupKey(row, c.Name)
			if n == 0 {
				continue
			}
			field := fmt.Sprintf("rows[%d].%s", i, key)
			if n > 1 {
				return nil, errs.Invalid(field, "column %q is given more than once", c.Name)
			}
			used++
			cv, msg := convertValue(c.DataType, v)
			if msg != "" {
				return nil, errs.Invalid(field, "%s", msg)
			}
			vals[j] = cv
		}
		if used < len(row) {
			var unknown []string
			for k := range row {
				if _, ok := t.Column(k); !ok {
					unknown = append(unknown, k)
				}
			}
			sort.Strings(unknown)
			return nil, errs.Invalid(fmt.Sprintf("rows[%d].%s", i, unknown[0]), "unknown column %q in table %q", unknown[0], t.Name)
		}
		out[i] = vals
	}
	return out, nil
}

// lookupKey finds a column's key in a row case-insensitively; n counts the keys that match.
func lookupKey(row map[string]any, name string) (key string, v any, n int) {
	if v, ok := row[name]; ok {
		key, n = name, 1
		for k := range row {
			if k != name && strings.EqualFold(k, name) {
				n++
			}
		}
		return key, v, n
	}
	for k, x := range row {
		if strings.EqualFold(k, name) {
			if n == 0 || k < key {
				key, v = k, x
			}
			n++
		}
	}
	return key, v, n
}

// appendValues appends through DuckDB's Appender inside one transaction.
func appendValues(ctx context.Context, db *sql.DB, t *model.Table, values [][]driver.Value) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = c.Name
	}
	err = conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", t.Name, cols)
		if err != nil {
			return err
		}
		for _, row := range values {
			if err := a.AppendRow(row...); err != nil {
				_ = a.Close()
				return err
			}
		}
		return a.CloseWithCancel(ctx)
	})
	if err != nil {
		return fmt.Errorf("engine: append to %q: %w", t.Name, err)
	}
	if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("engine: append to %q: %w", t.Name, err)
	}
	return nil
}

// DeleteRows removes every row of a table, in place and atomically.
func (m *Manager) DeleteRows(ctx context.Context, datasetID string, def *model.DatasetDefinition, table string) error {
	t, err := lookupTable(def, table)
	if err != nil {
		return err
	}
	return m.withWriter(datasetID, func(ds *dataset, h *handle) error {
		if _, err := h.db.ExecContext(ctx, "DELETE FROM "+quoteIdent(t.Name)); err != nil {
			return fmt.Errorf("engine: delete rows of %q: %w", t.Name, err)
		}
		return nil
	})
}

// RowCounts returns the number of rows of every table of def, keyed by the model's table name.
func (m *Manager) RowCounts(ctx context.Context, datasetID string, def *model.DatasetDefinition) (map[string]int64, error) {
	if def == nil {
		return nil, errs.Invalid("definition", "is required")
	}
	counts := make(map[string]int64, len(def.Tables))
	err := m.Read(ctx, datasetID, func(ctx context.Context, db *sql.DB) error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		// One transaction: the counts come from one snapshot.
		if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
			return err
		}
		defer conn.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck // read-only
		for _, t := range def.Tables {
			var n int64
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteIdent(t.Name)).Scan(&n); err != nil {
				return fmt.Errorf("engine: count rows of %q: %w", t.Name, err)
			}
			counts[t.Name] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}
