package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
	"github.com/jackc/pgx/v5"
)

const workspaceCols = `id, name, description, capacity_id, created_at`

// CreateWorkspace stores a new workspace, setting CreatedAt when zero. The
// name must be free (case-insensitively) and the capacity, if any, must exist.
func (db *DB) CreateWorkspace(ctx context.Context, w *model.Workspace) error {
	at := store.CreatedAt(w.CreatedAt)
	err := db.write(ctx, func(tx pgx.Tx) error {
		if err := checkWorkspace(ctx, tx, w); err != nil {
			return err
		}
		_, err := tx.Exec(ctx,
			`INSERT INTO workspaces (id, name, name_key, description, capacity_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			w.ID, w.Name, store.NameKey(w.Name), w.Description, nullable(w.CapacityID), at)
		return workspaceWriteErr("create", w, err)
	})
	if err == nil {
		w.CreatedAt = at
	}
	return err
}

// checkWorkspace checks the rules a workspace write must keep: a free name
// and an existing capacity. The unique index backs the name check when two
// nodes race; the serializable transaction backs the capacity check.
func checkWorkspace(ctx context.Context, tx pgx.Tx, w *model.Workspace) error {
	var other string
	err := tx.QueryRow(ctx, `SELECT id FROM workspaces WHERE name_key = $1 AND id <> $2`, store.NameKey(w.Name), w.ID).Scan(&other)
	switch {
	case err == nil:
		return store.ErrDuplicateWorkspaceName(w.Name)
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: check workspace name: %w", err)
	}
	if w.CapacityID != "" {
		return mustExist(ctx, tx, "capacities", "capacity", w.CapacityID)
	}
	return nil
}

// workspaceWriteErr maps constraint failures the checks could not see to conflicts.
func workspaceWriteErr(op string, w *model.Workspace, err error) error {
	if err == nil {
		return nil
	}
	if c, ok := uniqueViolation(err); ok {
		if c == "workspaces_name_key" {
			return store.ErrDuplicateWorkspaceName(w.Name)
		}
		return store.ErrAlreadyExists("workspace", w.ID)
	}
	return fmt.Errorf("postgres: %s workspace: %w", op, err)
}

// GetWorkspace returns the workspace or a not-found error.
func (db *DB) GetWorkspace(ctx context.Context, id string) (*model.Workspace, error) {
	w, err := scanWorkspace(db.pool.QueryRow(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.NotFound("workspace", id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get workspace %s: %w", id, err)
	}
	return w, nil
}

// ListWorkspaces returns every workspace, oldest first.
func (db *DB) ListWorkspaces(ctx context.Context) ([]*model.Workspace, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+workspaceCols+` FROM workspaces ORDER BY created_at, id`)
	return collect(rows, err, scanWorkspace)
}

// UpdateWorkspace replaces name, description and capacityId.
func (db *DB) UpdateWorkspace(ctx context.Context, w *model.Workspace) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", w.ID); err != nil {
			return err
		}
		if err := checkWorkspace(ctx, tx, w); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE workspaces SET name = $1, name_key = $2, description = $3, capacity_id = $4 WHERE id = $5`,
			w.Name, store.NameKey(w.Name), w.Description, nullable(w.CapacityID), w.ID)
		return workspaceWriteErr("update", w, err)
	})
}

// DeleteWorkspace removes the workspace with its members, datasets and
// reports, unless a report in another workspace uses one of its datasets.
// It returns the ids of the removed datasets, oldest first.
func (db *DB) DeleteWorkspace(ctx context.Context, id string) ([]string, error) {
	var deleted []string
	err := db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", id); err != nil {
			return err
		}
		users, err := queryUsers(ctx, tx, `SELECT r.id, r.name, r.dataset_id FROM reports r JOIN datasets d ON d.id = r.dataset_id
			WHERE d.workspace_id = $1 AND r.workspace_id <> $1 ORDER BY r.created_at, r.id`, id)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return store.ErrDatasetInUse(fmt.Sprintf("workspace %q cannot be deleted: reports in other workspaces use its datasets", id), users)
		}
		// Assigned, not appended: a retried attempt starts over.
		deleted, err = queryStrings(ctx, tx, `SELECT id FROM datasets WHERE workspace_id = $1 ORDER BY created_at, id`, id)
		if err != nil {
			return err
		}
		// Children first: the foreign keys refuse orphans.
		for _, q := range []string{
			`DELETE FROM reports WHERE workspace_id = $1`,
			`DELETE FROM datasets WHERE workspace_id = $1`,
			`DELETE FROM members WHERE workspace_id = $1`,
			`DELETE FROM workspaces WHERE id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return fmt.Errorf("postgres: delete workspace: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return deleted, nil
}

func scanWorkspace(s scanner) (*model.Workspace, error) {
	var (
		w        model.Workspace
		capacity *string
		created  time.Time
	)
	if err := s.Scan(&w.ID, &w.Name, &w.Description, &capacity, &created); err != nil {
		return nil, err
	}
	if capacity != nil {
		w.CapacityID = *capacity
	}
	w.CreatedAt = created.UTC()
	return &w, nil
}

// ListMembers returns the workspace's members in the order they were added.
func (db *DB) ListMembers(ctx context.Context, workspaceID string) ([]*model.Member, error) {
	if err := mustExist(ctx, db.pool, "workspaces", "workspace", workspaceID); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT workspace_id, identifier, display_name, principal_type, role
		FROM members WHERE workspace_id = $1 ORDER BY created_at, identifier`, workspaceID)
	return collect(rows, err, scanMember)
}

// PutMember adds the member or changes its display name, principal type and
// role. Identifiers match case-insensitively; the latest spelling is kept.
func (db *DB) PutMember(ctx context.Context, m *model.Member) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", m.WorkspaceID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO members
			(workspace_id, identifier, identifier_key, display_name, principal_type, role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (workspace_id, identifier_key) DO UPDATE SET identifier = excluded.identifier,
				display_name = excluded.display_name, principal_type = excluded.principal_type, role = excluded.role`,
			m.WorkspaceID, m.Identifier, store.IdentifierKey(m.Identifier), m.DisplayName, string(m.PrincipalType), string(m.Role),
			store.CreatedAt(time.Time{}))
		if err != nil {
			return fmt.Errorf("postgres: put member: %w", err)
		}
		return nil
	})
}

// DeleteMember removes a member, matching the identifier case-insensitively;
// a missing workspace or member is not-found.
func (db *DB) DeleteMember(ctx context.Context, workspaceID, identifier string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", workspaceID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM members WHERE workspace_id = $1 AND identifier_key = $2`,
			workspaceID, store.IdentifierKey(identifier))
		if err != nil {
			return fmt.Errorf("postgres: delete member: %w", err)
		}
		return requireOne(tag, "member", identifier)
	})
}

func scanMember(s scanner) (*model.Member, error) {
	var (
		m           model.Member
		ptype, role string
	)
	if err := s.Scan(&m.WorkspaceID, &m.Identifier, &m.DisplayName, &ptype, &role); err != nil {
		return nil, err
	}
	m.PrincipalType, m.Role = model.PrincipalType(ptype), model.Role(role)
	return &m, nil
}
