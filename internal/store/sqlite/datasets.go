package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

const datasetCols = `id, workspace_id, name, storage_mode, configured_by, data_version, definition, created_at`

// CreateDataset stores a new dataset in an existing workspace, setting CreatedAt when zero.
func (db *DB) CreateDataset(ctx context.Context, d *model.Dataset) error {
	def, err := json.Marshal(&d.Definition)
	if err != nil {
		return fmt.Errorf("sqlite: encode dataset definition: %w", err)
	}
	at := store.CreatedAt(d.CreatedAt)
	err = db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", d.WorkspaceID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO datasets (`+datasetCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.WorkspaceID, d.Name, string(d.StorageMode), d.ConfiguredBy, d.DataVersion, string(def), formatTime(at))
		if isUniqueViolation(err) {
			return store.ErrAlreadyExists("dataset", d.ID)
		}
		if err != nil {
			return fmt.Errorf("sqlite: create dataset: %w", err)
		}
		return nil
	})
	if err == nil {
		d.CreatedAt = at
	}
	return err
}

// UpdateDatasetDefinition replaces a dataset's name and definition.
func (db *DB) UpdateDatasetDefinition(ctx context.Context, id string, def *model.DatasetDefinition) error {
	raw, err := json.Marshal(def)
	if err != nil {
		return fmt.Errorf("sqlite: encode dataset definition: %w", err)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "datasets", "dataset", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE datasets SET name = ?, definition = ? WHERE id = ?`, def.Name, string(raw), id); err != nil {
			return fmt.Errorf("sqlite: update dataset definition: %w", err)
		}
		return nil
	})
}

// GetDataset returns the dataset with its definition, or a not-found error.
func (db *DB) GetDataset(ctx context.Context, id string) (*model.Dataset, error) {
	d, err := scanDataset(db.r.QueryRowContext(ctx, `SELECT `+datasetCols+` FROM datasets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("dataset", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get dataset %s: %w", id, err)
	}
	return d, nil
}

// ListDatasets returns the workspace's datasets, oldest first; an unknown workspace is not-found.
func (db *DB) ListDatasets(ctx context.Context, workspaceID string) ([]*model.Dataset, error) {
	if err := mustExist(ctx, db.r, "workspaces", "workspace", workspaceID); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+datasetCols+` FROM datasets WHERE workspace_id = ? ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list datasets: %w", err)
	}
	return collect(rows, scanDataset)
}

// DeleteDataset removes the dataset unless a report uses it.
func (db *DB) DeleteDataset(ctx context.Context, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "datasets", "dataset", id); err != nil {
			return err
		}
		users, err := queryUsers(ctx, tx, `SELECT id, name, dataset_id FROM reports WHERE dataset_id = ? ORDER BY created_at, id`, id)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return store.ErrDatasetInUse(fmt.Sprintf("dataset %q cannot be deleted: reports use it", id), users)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM datasets WHERE id = ?`, id); err != nil {
			return fmt.Errorf("sqlite: delete dataset: %w", err)
		}
		return nil
	})
}

// BumpDataVersion increments the dataset's data version and returns the new value.
func (db *DB) BumpDataVersion(ctx context.Context, id string) (int64, error) {
	var v int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE datasets SET data_version = data_version + 1 WHERE id = ? RETURNING data_version`, id).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("dataset", id)
		}
		if err != nil {
			return fmt.Errorf("sqlite: bump data version: %w", err)
		}
		return nil
	})
	return v, err
}

func scanDataset(s scanner) (*model.Dataset, error) {
	var (
		d            model.Dataset
		mode         string
		def, created string
	)
	if err := s.Scan(&d.ID, &d.WorkspaceID, &d.Name, &mode, &d.ConfiguredBy, &d.DataVersion, &def, &created); err != nil {
		return nil, err
	}
	d.StorageMode = model.StorageMode(mode)
	if err := json.Unmarshal([]byte(def), &d.Definition); err != nil {
		return nil, fmt.Errorf("sqlite: dataset %s definition: %w", d.ID, err)
	}
	var err error
	d.CreatedAt, err = parseTime(created)
	return &d, err
}

// queryUsers runs a query selecting (report id, report name, dataset id).
func queryUsers(ctx context.Context, q querier, query string, args ...any) ([]store.ReportUse, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find reports using dataset: %w", err)
	}
	defer rows.Close()
	var out []store.ReportUse
	for rows.Next() {
		var u store.ReportUse
		if err := rows.Scan(&u.ID, &u.Name, &u.DatasetID); err != nil {
			return nil, fmt.Errorf("sqlite: find reports using dataset: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// queryStrings returns the first column of every row.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sqlite: scan: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
