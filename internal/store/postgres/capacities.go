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

const capacityCols = `id, display_name, sku, state, region, admins, limits, created_at`

// CreateCapacity stores a new capacity, setting CreatedAt when zero.
func (db *DB) CreateCapacity(ctx context.Context, c *model.Capacity) error {
	admins, limits, err := store.CapacityJSON(c)
	if err != nil {
		return err
	}
	at := store.CreatedAt(c.CreatedAt)
	err = db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO capacities (`+capacityCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, c.DisplayName, c.SKU, string(c.State), c.Region, admins, limits, at)
		if _, ok := uniqueViolation(err); ok {
			return store.ErrAlreadyExists("capacity", c.ID)
		}
		if err != nil {
			return fmt.Errorf("postgres: create capacity: %w", err)
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
	c, err := scanCapacity(db.pool.QueryRow(ctx, `SELECT `+capacityCols+` FROM capacities WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.NotFound("capacity", id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get capacity %s: %w", id, err)
	}
	return c, nil
}

// ListCapacities returns every capacity, oldest first.
func (db *DB) ListCapacities(ctx context.Context) ([]*model.Capacity, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+capacityCols+` FROM capacities ORDER BY created_at, id`)
	return collect(rows, err, scanCapacity)
}

// UpdateCapacity replaces the capacity's display name, sku, state, region, admins and limits.
func (db *DB) UpdateCapacity(ctx context.Context, c *model.Capacity) error {
	admins, limits, err := store.CapacityJSON(c)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx,
			`UPDATE capacities SET display_name = $1, sku = $2, state = $3, region = $4, admins = $5, limits = $6 WHERE id = $7`,
			c.DisplayName, c.SKU, string(c.State), c.Region, admins, limits, c.ID)
		if err != nil {
			return fmt.Errorf("postgres: update capacity: %w", err)
		}
		return requireOne(tag, "capacity", c.ID)
	})
}

func scanCapacity(s scanner) (*model.Capacity, error) {
	var (
		c                     model.Capacity
		state, admins, limits string
		created               time.Time
	)
	if err := s.Scan(&c.ID, &c.DisplayName, &c.SKU, &state, &c.Region, &admins, &limits, &created); err != nil {
		return nil, err
	}
	c.State = model.CapacityState(state)
	if err := json.Unmarshal([]byte(admins), &c.Admins); err != nil {
		return nil, fmt.Errorf("postgres: capacity %s admins: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(limits), &c.Limits); err != nil {
		return nil, fmt.Errorf("postgres: capacity %s limits: %w", c.ID, err)
	}
	c.CreatedAt = created.UTC()
	return &c, nil
}
