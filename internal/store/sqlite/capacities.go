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

const capacityCols = `id, display_name, sku, state, region, admins, limits, created_at`

// CreateCapacity stores a new capacity, setting CreatedAt when zero.
func (db *DB) CreateCapacity(ctx context.Context, c *model.Capacity) error {
	admins, limits, err := store.CapacityJSON(c)
	if err != nil {
		return err
	}
	at := store.CreatedAt(c.CreatedAt)
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO capacities (`+capacityCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.DisplayName, c.SKU, string(c.State), c.Region, admins, limits, formatTime(at))
		if isUniqueViolation(err) {
			return store.ErrAlreadyExists("capacity", c.ID)
		}
		if err != nil {
			return fmt.Errorf("sqlite: create capacity: %w", err)
		}
		return nil
	})
	if err == nil {
		c.CreatedAt = at
	}
	return err
}

// GetCapacity returns the capacity or a not-found error.
func (db *DB) GetCapacity(ctx context.Context, id string) (*model.Capacity, error) {
	row := db.r.QueryRowContext(ctx, `SELECT `+capacityCols+` FROM capacities WHERE id = ?`, id)
	c, err := scanCapacity(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("capacity", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get capacity %s: %w", id, err)
	}
	return c, nil
}

// ListCapacities returns every capacity, oldest first.
func (db *DB) ListCapacities(ctx context.Context) ([]*model.Capacity, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+capacityCols+` FROM capacities ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list capacities: %w", err)
	}
	return collect(rows, scanCapacity)
}

// UpdateCapacity replaces the capacity's display name, sku, state, region, admins and limits.
func (db *DB) UpdateCapacity(ctx context.Context, c *model.Capacity) error {
	admins, limits, err := store.CapacityJSON(c)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE capacities SET display_name = ?, sku = ?, state = ?, region = ?, admins = ?, limits = ? WHERE id = ?`,
			c.DisplayName, c.SKU, string(c.State), c.Region, admins, limits, c.ID)
		if err != nil {
			return fmt.Errorf("sqlite: update capacity: %w", err)
		}
		return requireOne(res, "capacity", c.ID)
	})
}

func scanCapacity(s scanner) (*model.Capacity, error) {
	var (
		c                     model.Capacity
		state, admins, limits string
		created               string
	)
	if err := s.Scan(&c.ID, &c.DisplayName, &c.SKU, &state, &c.Region, &admins, &limits, &created); err != nil {
		return nil, err
	}
	c.State = model.CapacityState(state)
	if err := json.Unmarshal([]byte(admins), &c.Admins); err != nil {
		return nil, fmt.Errorf("sqlite: capacity %s admins: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(limits), &c.Limits); err != nil {
		return nil, fmt.Errorf("sqlite: capacity %s limits: %w", c.ID, err)
	}
	var err error
	c.CreatedAt, err = parseTime(created)
	return &c, err
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (*T, error)) ([]*T, error) {
	defer rows.Close()
	out := []*T{} // empty, not nil: lists encode as []
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: read rows: %w", err)
	}
	return out, nil
}

// requireOne turns an UPDATE or DELETE that touched no row into a not-found error.
func requireOne(res sql.Result, what, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: rows affected: %w", err)
	}
	if n == 0 {
		return errs.NotFound(what, id)
	}
	return nil
}
