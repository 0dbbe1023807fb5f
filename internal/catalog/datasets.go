package catalog

import (
	"context"
	"errors"
	"strings"

	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// CreateDataset validates a definition, stores it and creates its empty tables.
// If the engine fails, the metadata is removed again: nothing half-written stays.
func (s *Service) CreateDataset(ctx context.Context, workspaceID string, def *model.DatasetDefinition, configuredBy string) (*model.Dataset, error) {
	w, err := s.workspace(ctx, workspaceID, model.RoleContributor)
	if err != nil {
		return nil, err
	}
	if err := def.Validate(); err != nil {
		return nil, err
	}
	mode, _ := model.ParseStorageMode(def.DefaultMode)
	if mode == model.StorageDirectQuery {
		return nil, errs.Invalid("defaultMode", "DirectQuery datasets are not supported yet; use Import or Push")
	}
	d := &model.Dataset{
		ID: model.NewID(), WorkspaceID: w.ID, Name: def.Name, StorageMode: mode,
		ConfiguredBy: configuredBy, Definition: *def,
	}
	if err := s.store.CreateDataset(ctx, d); err != nil {
		return nil, err
	}
	if err := s.engine.Create(ctx, d.ID, &d.Definition); err != nil {
		if derr := s.store.DeleteDataset(context.WithoutCancel(ctx), d.ID); derr != nil {
			s.log.Error("removing dataset after failed create", "dataset", d.ID, "err", derr)
		}
		return nil, err
	}
	return s.store.GetDataset(ctx, d.ID)
}

// GetDataset returns a dataset of the workspace that the caller may read.
func (s *Service) GetDataset(ctx context.Context, workspaceID, id string) (*model.Dataset, error) {
	return s.dataset(ctx, workspaceID, id, needRead, "Read")
}

// dataset loads a dataset of the workspace and checks the caller's permission on it.
func (s *Service) dataset(ctx context.Context, workspaceID, id string, need func(authz.Perm) bool, what string) (*model.Dataset, error) {
	if _, err := principal(ctx); err != nil {
		return nil, err
	}
	wid, ok := model.NormalizeID(workspaceID)
	if !ok {
		return nil, errs.NotFound("workspace", workspaceID)
	}
	if _, err := s.store.GetWorkspace(ctx, wid); err != nil {
		return nil, err
	}
	d, err := s.DatasetByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.WorkspaceID != wid {
		return nil, errs.NotFound("dataset", id)
	}
	if err := s.requireDataset(ctx, d, need, what); err != nil {
		return nil, err
	}
	return d, nil
}

// DatasetByID returns a dataset in any workspace, without checking permissions (callers do).
func (s *Service) DatasetByID(ctx context.Context, id string) (*model.Dataset, error) {
	nid, ok := model.NormalizeID(id)
	if !ok {
		return nil, errs.NotFound("dataset", id)
	}
	return s.store.GetDataset(ctx, nid)
}

// ListDatasets returns a workspace's datasets.
func (s *Service) ListDatasets(ctx context.Context, workspaceID string) ([]*model.Dataset, error) {
	w, err := s.workspace(ctx, workspaceID, model.RoleViewer)
	if err != nil {
		return nil, err
	}
	return s.store.ListDatasets(ctx, w.ID)
}

// DeleteDataset removes a dataset no report uses, then its data.
func (s *Service) DeleteDataset(ctx context.Context, workspaceID, id string) error {
	d, err := s.dataset(ctx, workspaceID, id, needWrite, "Write")
	if err != nil {
		return err
	}
	if err := s.store.DeleteDataset(ctx, d.ID); err != nil {
		return err
	}
	if err := s.engine.Drop(ctx, d.ID); err != nil {
		s.log.Warn("dropping dataset data", "dataset", d.ID, "err", err)
	}
	return nil
}

// MaxPushRows is Power BI's limit of rows per push request.
const MaxPushRows = 10000

// PushRows appends rows to a table of a dataset.
func (s *Service) PushRows(ctx context.Context, workspaceID, datasetID, table string, rows []map[string]any) (int, error) {
	d, t, err := s.datasetTable(ctx, workspaceID, datasetID, table)
	if err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, errs.Invalid("rows", "at least one row is required")
	}
	if len(rows) > MaxPushRows {
		return 0, errs.New(errs.KindTooLarge, "TooManyRows", "at most %d rows may be pushed in one request, got %d", MaxPushRows, len(rows))
	}
	n, err := s.engine.AppendRows(ctx, d.ID, &d.Definition, t.Name, rows)
	if err != nil {
		return 0, err
	}
	s.bump(ctx, d.ID)
	return n, nil
}

// DeleteRows empties a table.
func (s *Service) DeleteRows(ctx context.Context, workspaceID, datasetID, table string) error {
	d, t, err := s.datasetTable(ctx, workspaceID, datasetID, table)
	if err != nil {
		return err
	}
	if err := s.engine.DeleteRows(ctx, d.ID, &d.Definition, t.Name); err != nil {
		return err
	}
	s.bump(ctx, d.ID)
	return nil
}

// Import loads a CSV or Parquet file into a table; Replace builds a new version and swaps it in atomically.
func (s *Service) Import(ctx context.Context, workspaceID, datasetID, table, src string, opts engine.ImportOptions) (engine.ImportResult, error) {
	d, t, err := s.datasetTable(ctx, workspaceID, datasetID, table)
	if err != nil {
		return engine.ImportResult{}, err
	}
	res, err := s.engine.Import(ctx, d.ID, &d.Definition, t.Name, src, opts)
	if err != nil {
		return res, err
	}
	s.bump(ctx, d.ID)
	return res, nil
}

// CheckWritable fails unless the caller may write the table, so an upload is refused before it is spooled.
func (s *Service) CheckWritable(ctx context.Context, workspaceID, datasetID, table string) error {
	_, _, err := s.datasetTable(ctx, workspaceID, datasetID, table)
	return err
}

// RowCounts returns the number of rows per table.
func (s *Service) RowCounts(ctx context.Context, d *model.Dataset) (map[string]int64, error) {
	return s.engine.RowCounts(ctx, d.ID, &d.Definition)
}

func (s *Service) bump(ctx context.Context, datasetID string) {
	// The data already changed; a failed bump only costs cache freshness, so log it loudly.
	if _, err := s.store.BumpDataVersion(context.WithoutCancel(ctx), datasetID); err != nil {
		s.log.Error("bumping data version", "dataset", datasetID, "err", err)
	}
}

// datasetTable loads a table of a dataset the caller may write.
func (s *Service) datasetTable(ctx context.Context, workspaceID, datasetID, table string) (*model.Dataset, *model.Table, error) {
	d, err := s.dataset(ctx, workspaceID, datasetID, needWrite, "Write")
	if err != nil {
		return nil, nil, err
	}
	t, ok := d.Definition.Table(table)
	if !ok {
		return nil, nil, errs.NotFound("table", table)
	}
	return d, t, nil
}

// ParseImportFormat maps a format name or file name to an engine format.
func ParseImportFormat(format, fileName string) (engine.Format, error) {
	f := strings.ToLower(format)
	if f == "" {
		switch {
		case strings.HasSuffix(strings.ToLower(fileName), ".parquet"):
			f = "parquet"
		case strings.HasSuffix(strings.ToLower(fileName), ".csv"):
			f = "csv"
		}
	}
	switch f {
	case "csv":
		return engine.FormatCSV, nil
	case "parquet":
		return engine.FormatParquet, nil
	}
	return "", errors.New("format must be csv or parquet")
}

// ListReadableDatasets returns every dataset the caller may read: those of its
// workspaces and those granted to it (all of them for the administrator).
func (s *Service) ListReadableDatasets(ctx context.Context) ([]*model.Dataset, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	ws, err := s.ListWorkspaces(ctx)
	if err != nil {
		return nil, err
	}
	out := []*model.Dataset{}
	seen := map[string]bool{}
	for _, w := range ws {
		ds, err := s.store.ListDatasets(ctx, w.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			seen[d.ID] = true
			out = append(out, d)
		}
	}
	if p.IsAdmin() {
		return out, nil
	}
	ids, err := s.store.ListGrantedDatasetIDs(ctx, p.Identifier)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		if d, err := s.store.GetDataset(ctx, id); err == nil {
			out = append(out, d)
		}
	}
	return out, nil
}
