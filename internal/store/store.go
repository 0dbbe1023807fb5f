// Package store persists Bindery's metadata: capacities, workspaces and their
// members, datasets and reports, principals, grants, embed-token audit and
// signing keys. Store is the seam: sqlite is the embedded default; postgres
// lets several nodes share one metadata database. Both pass storetest.Run.
//
// Errors: a missing item is an *errs.Error of KindNotFound, a violated
// uniqueness or reference rule one of KindConflict. Every write runs in one
// transaction, so a failed call leaves nothing half-written.
package store

import (
	"context"

	"github.com/bindery-dev/bindery/internal/model"
)

// Store is safe for concurrent use.
type Store interface {
	Capacities
	Workspaces
	Datasets
	Reports
	Principals
	Grants
	Tokens
	// Close releases the database.
	Close() error
}

// Capacities persists capacities.
type Capacities interface {
	CreateCapacity(ctx context.Context, c *model.Capacity) error
	GetCapacity(ctx context.Context, id string) (*model.Capacity, error)
	ListCapacities(ctx context.Context) ([]*model.Capacity, error)
	// UpdateCapacity replaces the capacity's display name, sku, state, region, admins and limits.
	UpdateCapacity(ctx context.Context, c *model.Capacity) error
}

// Workspaces persists workspaces and their members.
type Workspaces interface {
	// CreateWorkspace fails with a conflict when the name is taken (names are unique, case-insensitively).
	CreateWorkspace(ctx context.Context, w *model.Workspace) error
	GetWorkspace(ctx context.Context, id string) (*model.Workspace, error)
	ListWorkspaces(ctx context.Context) ([]*model.Workspace, error)
	// UpdateWorkspace replaces name, description and capacityId.
	UpdateWorkspace(ctx context.Context, w *model.Workspace) error
	// DeleteWorkspace removes the workspace with its members, datasets and reports.
	// It fails with a conflict when a report in another workspace uses one of its datasets.
	// It returns the ids of the datasets it removed, so their data can be dropped.
	DeleteWorkspace(ctx context.Context, id string) (deletedDatasets []string, err error)

	ListMembers(ctx context.Context, workspaceID string) ([]*model.Member, error)
	// PutMember adds the member or changes its role. Identifiers match
	// case-insensitively (as dataset grants do); the latest spelling is kept.
	PutMember(ctx context.Context, m *model.Member) error
	// DeleteMember removes a member, matching the identifier case-insensitively.
	DeleteMember(ctx context.Context, workspaceID, identifier string) error
}

// Datasets persists dataset metadata and definitions (not their data).
type Datasets interface {
	CreateDataset(ctx context.Context, d *model.Dataset) error
	GetDataset(ctx context.Context, id string) (*model.Dataset, error)
	ListDatasets(ctx context.Context, workspaceID string) ([]*model.Dataset, error)
	// DeleteDataset fails with a conflict when a report uses it as its dataset.
	DeleteDataset(ctx context.Context, id string) error
	// UpdateDatasetDefinition replaces the dataset's name and definition (not its data).
	UpdateDatasetDefinition(ctx context.Context, id string, def *model.DatasetDefinition) error
	// BumpDataVersion records that the dataset's data changed and returns the new version.
	BumpDataVersion(ctx context.Context, id string) (int64, error)
}

// Reports persists reports.
type Reports interface {
	CreateReport(ctx context.Context, r *model.Report) error
	GetReport(ctx context.Context, id string) (*model.Report, error)
	ListReports(ctx context.Context, workspaceID string) ([]*model.Report, error)
	// ListReportsUsingDataset returns the reports whose datasetId is the dataset.
	ListReportsUsingDataset(ctx context.Context, datasetID string) ([]*model.Report, error)
	DeleteReport(ctx context.Context, id string) error
	// RebindReport sets the report's dataset and, when def is not nil, its definition and name.
	RebindReport(ctx context.Context, id, datasetID string, def *model.ReportDefinition) error
}
