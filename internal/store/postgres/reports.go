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

const reportCols = `id, workspace_id, name, dataset_id, definition, created_at`

// CreateReport stores a new report, setting CreatedAt when zero. Its
// workspace and its dataset (in any workspace) must exist.
func (db *DB) CreateReport(ctx context.Context, r *model.Report) error {
	def, err := json.Marshal(&r.Definition)
	if err != nil {
		return fmt.Errorf("postgres: encode report definition: %w", err)
	}
	at := store.CreatedAt(r.CreatedAt)
	err = db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", r.WorkspaceID); err != nil {
			return err
		}
		if err := mustExist(ctx, tx, "datasets", "dataset", r.DatasetID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO reports (`+reportCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			r.ID, r.WorkspaceID, r.Name, r.DatasetID, string(def), at)
		if _, ok := uniqueViolation(err); ok {
			return store.ErrAlreadyExists("report", r.ID)
		}
		if err != nil {
			return fmt.Errorf("postgres: create report: %w", err)
		}
		return nil
	})
	if err == nil {
		r.CreatedAt = at
	}
	return err
}

// GetReport returns the report with its definition, or a not-found error.
func (db *DB) GetReport(ctx context.Context, id string) (*model.Report, error) {
	r, err := scanReport(db.pool.QueryRow(ctx, `SELECT `+reportCols+` FROM reports WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.NotFound("report", id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get report %s: %w", id, err)
	}
	return r, nil
}

// ListReports returns the workspace's reports, oldest first; an unknown workspace is not-found.
func (db *DB) ListReports(ctx context.Context, workspaceID string) ([]*model.Report, error) {
	if err := mustExist(ctx, db.pool, "workspaces", "workspace", workspaceID); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT `+reportCols+` FROM reports WHERE workspace_id = $1 ORDER BY created_at, id`, workspaceID)
	return collect(rows, err, scanReport)
}

// ListReportsUsingDataset returns the reports, in any workspace, whose
// dataset is datasetID, oldest first; an unknown dataset is not-found.
func (db *DB) ListReportsUsingDataset(ctx context.Context, datasetID string) ([]*model.Report, error) {
	if err := mustExist(ctx, db.pool, "datasets", "dataset", datasetID); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT `+reportCols+` FROM reports WHERE dataset_id = $1 ORDER BY created_at, id`, datasetID)
	return collect(rows, err, scanReport)
}

// DeleteReport removes the report.
func (db *DB) DeleteReport(ctx context.Context, id string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM reports WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("postgres: delete report: %w", err)
		}
		return requireOne(tag, "report", id)
	})
}

// RebindReport sets the report's dataset, which must exist, and, when def is
// not nil, replaces its definition (which records the field types).
func (db *DB) RebindReport(ctx context.Context, id, datasetID string, def *model.ReportDefinition) error {
	var defJSON []byte
	if def != nil {
		var err error
		if defJSON, err = json.Marshal(def); err != nil {
			return fmt.Errorf("postgres: encode report definition: %w", err)
		}
	}
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "reports", "report", id); err != nil {
			return err
		}
		if err := mustExist(ctx, tx, "datasets", "dataset", datasetID); err != nil {
			return err
		}
		var err error
		if def != nil {
			_, err = tx.Exec(ctx, `UPDATE reports SET dataset_id = $1, definition = $2, name = $3 WHERE id = $4`, datasetID, string(defJSON), def.Name, id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE reports SET dataset_id = $1 WHERE id = $2`, datasetID, id)
		}
		if err != nil {
			return fmt.Errorf("postgres: rebind report: %w", err)
		}
		return nil
	})
}

func scanReport(s scanner) (*model.Report, error) {
	var (
		r       model.Report
		def     string
		created time.Time
	)
	if err := s.Scan(&r.ID, &r.WorkspaceID, &r.Name, &r.DatasetID, &def, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(def), &r.Definition); err != nil {
		return nil, fmt.Errorf("postgres: report %s definition: %w", r.ID, err)
	}
	r.CreatedAt = created.UTC()
	return &r, nil
}
