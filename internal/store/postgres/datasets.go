package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
	"github.com/jackc/pgx/v5"
)

const datasetCols = `id, workspace_id, name, storage_mode, configured_by, data_version, definition, created_at`

// CreateDataset stores a new dataset in an existing workspace, setting CreatedAt when zero.
func (db *DB) CreateDataset(ctx context.Context, d *model.Dataset) error {
	def, err := json.Marshal(&d.Definition)
	if err != nil {
		return fmt.Errorf("postgres: encode dataset definition: %w", err)
	}
	at := store.CreatedAt(d.CreatedAt)
	err = db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", d.WorkspaceID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO datasets (`+datasetCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			d.ID, d.WorkspaceID, d.Name, string(d.StorageMode), d.ConfiguredBy, d.DataVersion, string(def), at)
		if _, ok := uniqueViolation(err); ok {
			return store.ErrAlreadyExists("dataset", d.ID)
		}
		if err != nil {
			return fmt.Errorf("postgres: create dataset: %w", err)
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
		return fmt.Errorf("postgres: encode dataset definition: %w", err)
	}
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE datasets SET name = $1, definition = $2 WHERE id = $3`, def.Name, string(raw), id)
		if err != nil {
			return fmt.Errorf("postgres: update dataset definition: %w", err)
		}
		return requireOne(tag, "dataset", id)
	})
}

// GetDataset returns the dataset with its definition, or a not-found error.
func (db *DB) GetDataset(ctx context.Context, id string) (*model.Dataset, error) {
	d, err := scanDataset(db.pool.QueryRow(ctx, `SELECT `+datasetCols+` FROM datasets WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.NotFound("dataset", id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get dataset %s: %w", id, err)
	}
	return d, nil
}

// ListDatasets returns the workspace's datasets, oldest first; an unknown workspace is not-found.
func (db *DB) ListDatasets(ctx context.Context, workspaceID string) ([]*model.Dataset, error) {
	if err := mustExist(ctx, db.pool, "workspaces", "workspace", workspaceID); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT `+datasetCols+` FROM datasets WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	return collect(rows, err, scanDataset)
}

// DeleteDataset removes the dataset unless a report uses it. Its grants go with it.
func (db *DB) DeleteDataset(ctx context.Context, id string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "datasets", "dataset", id); err != nil {
			return err
		}
		users, err := queryUsers(ctx, tx, `SELECT id, name, dataset_id FROM reports WHERE dataset_id = $1 ORDER BY created_at, id`, id)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return store.ErrDatasetInUse(fmt.Sprintf("dataset %q cannot be deleted: reports use it", id), users)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM datasets WHERE id = $1`, id); err != nil {
			return fmt.Errorf("postgres: delete dataset: %w", err)
		}
		return nil
	})
}

// BumpDataVersion increments the dataset's data version and returns the new
// value. The UPDATE takes the row lock, so concurrent bumps from several
// nodes each get their own version.
func (db *DB) BumpDataVersion(ctx context.Context, id string) (int64, error) {
	var v int64
	err := db.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE datasets SET data_version = data_version + 1 WHERE id = $1 RETURNING data_version`, id).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return errs.NotFound("dataset", id)
		}
		if err != nil {
			return fmt.Errorf("postgres: bump data version: %w", err)
		}
		return nil
	})
	return v, err
}

func scanDataset(s scanner) (*model.Dataset, error) {
	var (
		d       model.Dataset
		mode    string
		def     string
		created time.Time
	)
	if err := s.Scan(&d.ID, &d.WorkspaceID, &d.Name, &mode, &d.ConfiguredBy, &d.DataVersion, &def, &created); err != nil {
		return nil, err
	}
	d.StorageMode = model.StorageMode(mode)
	if err := json.Unmarshal([]byte(def), &d.Definition); err != nil {
		return nil, fmt.Errorf("postgres: dataset %s definition: %w", d.ID, err)
	}
	d.CreatedAt = created.UTC()
	return &d, nil
}

// queryUsers runs a query selecting (report id, report name, dataset id).
func queryUsers(ctx context.Context, q querier, query string, args ...any) ([]store.ReportUse, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: find reports using dataset: %w", err)
	}
	defer rows.Close()
	var out []store.ReportUse
	for rows.Next() {
		var u store.ReportUse
		if err := rows.Scan(&u.ID, &u.Name, &u.DatasetID); err != nil {
			return nil, fmt.Errorf("postgres: find reports using dataset: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
