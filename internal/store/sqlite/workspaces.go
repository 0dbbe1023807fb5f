package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

const workspaceCols = `id, name, description, capacity_id, created_at`

// CreateWorkspace stores a new workspace, setting CreatedAt when zero. The
// name must be free (case-insensitively) and the capacity, if any, must exist.
func (db *DB) CreateWorkspace(ctx context.Context, w *model.Workspace) error {
	at := store.CreatedAt(w.CreatedAt)
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := checkWorkspace(ctx, tx, w); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO workspaces (id, name, name_key, description, capacity_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			w.ID, w.Name, store.NameKey(w.Name), w.Description, nullable(w.CapacityID), formatTime(at))
		return workspaceWriteErr("create", w, err)
	})
	if err == nil {
		w.CreatedAt = at
	}
	return err
}

// checkWorkspace checks the rules a workspace write must keep: a free name
// and an existing capacity.
func checkWorkspace(ctx context.Context, tx *sql.Tx, w *model.Workspace) error {
	var other string
	err := tx.QueryRowContext(ctx, `SELECT id FROM workspaces WHERE name_key = ? AND id <> ?`, store.NameKey(w.Name), w.ID).Scan(&other)
	switch {
	case err == nil:
		return store.ErrDuplicateWorkspaceName(w.Name)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlite: check workspace name: %w", err)
	}
	if w.CapacityID != "" {
		return mustExist(ctx, tx, "capacities", "capacity", w.CapacityID)
	}
	return nil
}

// workspaceWriteErr maps constraint failures the checks could not see
// (another process writing the same file) to conflicts.
func workspaceWriteErr(op string, w *model.Workspace, err error) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err) && strings.Contains(err.Error(), "name_key"):
		return store.ErrDuplicateWorkspaceName(w.Name)
	case isUniqueViolation(err):
		return store.ErrAlreadyExists("workspace", w.ID)
	}
	return fmt.Errorf("sqlite: %s workspace: %w", op, err)
}

// GetWorkspace returns the workspace or a not-found error.
func (db *DB) GetWorkspace(ctx context.Context, id string) (*model.Workspace, error) {
	w, err := scanWorkspace(db.r.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("workspace", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get workspace %s: %w", id, err)
	}
	return w, nil
}

// ListWorkspaces returns every workspace, oldest first.
func (db *DB) ListWorkspaces(ctx context.Context) ([]*model.Workspace, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+workspaceCols+` FROM workspaces ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list workspaces: %w", err)
	}
	return collect(rows, scanWorkspace)
}

// UpdateWorkspace replaces name, description and capacityId.
func (db *DB) UpdateWorkspace(ctx context.Context, w *model.Workspace) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", w.ID); err != nil {
			return err
		}
		if err := checkWorkspace(ctx, tx, w); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = ?, name_key = ?, description = ?, capacity_id = ? WHERE id = ?`,
			w.Name, store.NameKey(w.Name), w.Description, nullable(w.CapacityID), w.ID)
		return workspaceWriteErr("update", w, err)
	})
}

// DeleteWorkspace removes the workspace with its members, datasets and
// reports, unless a report in another workspace uses one of its datasets.
// It returns the ids of the removed datasets, oldest first.
func (db *DB) DeleteWorkspace(ctx context.Context, id string) ([]string, error) {
	var deleted []string
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", id); err != nil {
			return err
		}
		users, err := queryUsers(ctx, tx, `SELECT r.id, r.name, r.dataset_id FROM reports r JOIN datasets d ON d.id = r.dataset_id
			WHERE d.workspace_id = ? AND r.workspace_id <> ? ORDER BY r.created_at, r.id`, id, id)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return store.ErrDatasetInUse(fmt.Sprintf("workspace %q cannot be deleted: reports in other workspaces use its datasets", id), users)
		}
		deleted, err = queryStrings(ctx, tx, `SELECT id FROM datasets WHERE workspace_id = ? ORDER BY created_at, id`, id)
		if err != nil {
			return err
		}
		// Children first: the foreign keys refuse orphans.
		for _, q := range []string{
			`DELETE FROM reports WHERE workspace_id = ?`,
			`DELETE FROM datasets WHERE workspace_id = ?`,
			`DELETE FROM members WHERE workspace_id = ?`,
			`DELETE FROM workspaces WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("sqlite: delete workspace: %w", err)
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
		capacity sql.NullString
		created  string
	)
	if err := s.Scan(&w.ID, &w.Name, &w.Description, &capacity, &created); err != nil {
		return nil, err
	}
	w.CapacityID = capacity.String
	var err error
	w.CreatedAt, err = parseTime(created)
	return &w, err
}

// ListMembers returns the workspace's members in the order they were added.
func (db *DB) ListMembers(ctx context.Context, workspaceID string) ([]*model.Member, error) {
	if err := mustExist(ctx, db.r, "workspaces", "workspace", workspaceID); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT workspace_id, identifier, display_name, principal_type, role
		FROM members WHERE workspace_id = ? ORDER BY created_at, identifier`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list members: %w", err)
	}
	return collect(rows, scanMember)
}

// PutMember adds the member or changes its display name, principal type and
// role. Identifiers match case-insensitively; the latest spelling is kept.
func (db *DB) PutMember(ctx context.Context, m *model.Member) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", m.WorkspaceID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO members
			(workspace_id, identifier, identifier_key, display_name, principal_type, role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id, identifier_key) DO UPDATE SET identifier = excluded.identifier,
				display_name = excluded.display_name, principal_type = excluded.principal_type, role = excluded.role`,
			m.WorkspaceID, m.Identifier, store.IdentifierKey(m.Identifier), m.DisplayName, string(m.PrincipalType), string(m.Role),
			formatTime(store.CreatedAt(time.Time{})))
		if err != nil {
			return fmt.Errorf("sqlite: put member: %w", err)
		}
		return nil
	})
}

// DeleteMember removes a member, matching the identifier case-insensitively;
// a missing workspace or member is not-found.
func (db *DB) DeleteMember(ctx context.Context, workspaceID, identifier string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "workspaces", "workspace", workspaceID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM members WHERE workspace_id = ? AND identifier_key = ?`,
			workspaceID, store.IdentifierKey(identifier))
		if err != nil {
			return fmt.Errorf("sqlite: delete member: %w", err)
		}
		return requireOne(res, "member", identifier)
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
