package embed

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/bindery-dev/bindery/internal/binding"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
	"github.com/bindery-dev/bindery/internal/queryexec"
)

// target names the report to load and, for dynamic binding, the dataset.
type target struct {
	ReportID  string `json:"reportId"`
	GroupID   string `json:"groupId,omitempty"`
	DatasetID string `json:"datasetId,omitempty"` // datasetBinding.datasetId; "" for the report's own
}

// authorize resolves the caller and decides the binding, on every request.
func (h *Handler) authorize(r *http.Request, t target) (*binding.Decision, error) {
	c, err := h.caller(r)
	if err != nil {
		return nil, err
	}
	if t.ReportID == "" {
		return nil, errs.Invalid("reportId", "is required")
	}
	d, err := h.o.Binder.Authorize(r.Context(), c, t.ReportID, t.DatasetID)
	if err != nil {
		return nil, err
	}
	if t.GroupID != "" {
		if gid, ok := model.NormalizeID(t.GroupID); !ok || gid != d.Report.WorkspaceID {
			return nil, errs.NotFound("report", t.ReportID+" in workspace "+t.GroupID)
		}
	}
	return d, nil
}

type loadResponse struct {
	Report      reportView    `json:"report"`
	Dataset     datasetView   `json:"dataset"`
	Permissions permissions   `json:"permissions"`
	Identity    *identityView `json:"identity"`
	Expiration  string        `json:"expiration,omitempty"`
}

type reportView struct {
	ID                string         `json:"id"`
	Name              string         `json:"name"`
	WorkspaceID       string         `json:"workspaceId"`
	DatasetID         string         `json:"datasetId"`
	OriginalDatasetID string         `json:"originalDatasetId"`
	Filters           []model.Filter `json:"filters"`
	Pages             []pageView     `json:"pages"`
}

type pageView struct {
	Name        string         `json:"name"`
	DisplayName string         `json:"displayName"`
	Order       int            `json:"order"`
	Filters     []model.Filter `json:"filters"`
	Visuals     []model.Visual `json:"visuals"`
}

type datasetView struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	WorkspaceID string      `json:"workspaceId"`
	Fields      []fieldView `json:"fields"`
}

type fieldView struct {
	Field    string         `json:"field"`
	Table    string         `json:"table"`
	Name     string         `json:"name"`
	Kind     string         `json:"kind"` // column or measure
	DataType model.DataType `json:"dataType,omitempty"`
	Format   string         `json:"formatString,omitempty"`
}

type permissions struct {
	Edit             bool `json:"edit"`
	ExportSummarized bool `json:"exportSummarized"`
	ExportUnderlying bool `json:"exportUnderlying"`
}

type identityView struct {
	Username string   `json:"username"`
	Roles    []string `json:"roles"`
}

// load answers the embed page's first request: the bound report and dataset, as the caller may see them.
func (h *Handler) load(w http.ResponseWriter, r *http.Request) error {
	var t target
	if err := decode(r, &t); err != nil {
		return err
	}
	d, err := h.authorize(r, t)
	if err != nil {
		return err
	}
	writeJSON(w, h.loadView(d))
	return nil
}

func (h *Handler) loadView(d *binding.Decision) loadResponse {
	def := d.Report.Definition
	rv := reportView{ID: d.Report.ID, Name: d.Report.Name, WorkspaceID: d.Report.WorkspaceID, DatasetID: d.Dataset.ID,
		OriginalDatasetID: d.Report.DatasetID, Filters: nonNil(def.Filters)}
	for i, p := range def.Pages {
		rv.Pages = append(rv.Pages, pageView{Name: p.Name, DisplayName: p.DisplayName, Order: i, Filters: nonNil(p.Filters), Visuals: p.Visuals})
	}
	dv := datasetView{ID: d.Dataset.ID, Name: d.Dataset.Name, WorkspaceID: d.Dataset.WorkspaceID, Fields: []fieldView{}}
	for _, t := range d.Dataset.Definition.Tables {
		for _, c := range t.Columns {
			dv.Fields = append(dv.Fields, fieldView{Field: model.FieldRef{Table: t.Name, Name: c.Name}.String(), Table: t.Name, Name: c.Name, Kind: "column", DataType: c.DataType})
		}
		for _, m := range t.Measures {
			dv.Fields = append(dv.Fields, fieldView{Field: model.FieldRef{Name: m.Name}.String(), Table: t.Name, Name: m.Name, Kind: "measure", Format: m.FormatString})
		}
	}
	out := loadResponse{Report: rv, Dataset: dv,
		Permissions: permissions{Edit: d.AllowEdit, ExportSummarized: d.AllowExport, ExportUnderlying: d.AllowExport && d.AllowEdit}}
	if d.Identity != nil && !d.Identity.Unrestricted {
		out.Identity = &identityView{Username: d.Identity.Username, Roles: nonNilStrings(d.Identity.Roles)}
	}
	if !d.TokenExpiry.IsZero() {
		out.Expiration = d.TokenExpiry.UTC().Format(time.RFC3339)
	}
	return out
}

// filterSet holds the filters a host or viewer set. A list that is present
// replaces the definition's list at its level (as powerbi-client's setFilters does).
type filterSet struct {
	Report *[]json.RawMessage `json:"report,omitempty"`
	Page   *[]json.RawMessage `json:"page,omitempty"`
}

type visualRequest struct {
	Name string `json:"name"`
	// Filters replaces the visual's own filters; PageFilters replaces the page's for this visual only
	// (a slicer is not filtered by its own selection; cross-filtering skips the visual clicked).
	Filters     *[]json.RawMessage `json:"filters,omitempty"`
	PageFilters *[]json.RawMessage `json:"pageFilters,omitempty"`
}

type queryRequest struct {
	target
	Page    string          `json:"page"`
	Visuals []visualRequest `json:"visuals"` // empty: every visual of the page
	Filters filterSet       `json:"filters"`
}

type visualResult struct {
	Visual    string               `json:"visual"`
	Columns   []query.OutputColumn `json:"columns,omitempty"`
	Rows      [][]any              `json:"rows,omitempty"`
	Truncated bool                 `json:"truncated,omitempty"`
	CacheHit  bool                 `json:"cacheHit,omitempty"`
	ElapsedMS float64              `json:"elapsedMs"`
	Error     *visualError         `json:"error,omitempty"`
}

type visualError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// query runs a page's visuals as one batched request and streams each result
// as a line of JSON (application/x-ndjson) as soon as it is ready.
func (h *Handler) query(w http.ResponseWriter, r *http.Request) error {
	var req queryRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	d, err := h.authorize(r, req.target)
	if err != nil {
		return err
	}
	page, err := findPage(&d.Report.Definition, req.Page)
	if err != nil {
		return err
	}
	jobs, err := h.jobs(d, page, req)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	results := make(chan visualResult)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- h.run(r.Context(), d, j)
		}()
	}
	go func() { wg.Wait(); close(results) }()
	enc := json.NewEncoder(w)
	for res := range results {
		_ = enc.Encode(res) // a failed write means the viewer left; the remaining runs are cancelled with the request
		if flusher != nil {
			flusher.Flush()
		}
	}
	return nil
}

type job struct {
	name string
	q    *query.VisualQuery
}

// jobs builds each requested visual's query from the stored definition plus the request's filters.
func (h *Handler) jobs(d *binding.Decision, page *model.Page, req queryRequest) ([]job, error) {
	reportFilters := rawFilters(d.Report.Definition.Filters)
	if req.Filters.Report != nil {
		reportFilters = *req.Filters.Report
	}
	pageFilters := rawFilters(page.Filters)
	if req.Filters.Page != nil {
		pageFilters = *req.Filters.Page
	}
	wanted := req.Visuals
	if len(wanted) == 0 {
		for _, v := range page.Visuals {
			wanted = append(wanted, visualRequest{Name: v.Name})
		}
	}
	if len(wanted) > model.MaxVisualsPerPage {
		return nil, errs.Invalid("visuals", "at most %d visuals per request", model.MaxVisualsPerPage)
	}
	var out []job
	for i, vr := range wanted {
		v, ok := findVisual(page, vr.Name)
		if !ok {
			return nil, errs.Invalid(fmt.Sprintf("visuals[%d].name", i), "page %q has no visual %q", page.Name, vr.Name)
		}
		vf := rawFilters(v.Filters)
		if vr.Filters != nil {
			vf = *vr.Filters
		}
		pf := pageFilters
		if vr.PageFilters != nil {
			pf = *vr.PageFilters
		}
		out = append(out, job{name: v.Name, q: visualQuery(v, vf, pf, reportFilters)})
	}
	return out, nil
}

func (h *Handler) run(ctx context.Context, d *binding.Decision, j job) visualResult {
	res, err := h.o.Executor.Run(ctx, queryexec.Request{Dataset: d.Dataset, Capacity: d.Capacity, Query: j.q, Identity: d.Identity})
	if err != nil {
		h.o.Logger.Info("visual query failed", "visual", j.name, "report", d.Report.ID, "dataset", d.Dataset.ID, "err", err)
		return visualResult{Visual: j.name, Error: publicError(err)}
	}
	rows := res.Rows
	if rows == nil {
		rows = [][]any{}
	}
	return visualResult{Visual: j.name, Columns: res.Columns, Rows: rows, Truncated: res.Truncated, CacheHit: res.CacheHit,
		ElapsedMS: float64(res.Elapsed.Microseconds()) / 1000}
}

// publicError is what a viewer may see of a failed visual query.
func publicError(err error) *visualError {
	if e, ok := errs.As(err); ok && e.Kind != errs.KindInternal {
		return &visualError{Code: e.Code, Message: e.Message}
	}
	return &visualError{Code: "QueryFailed", Message: "the visual's query failed; the server log has the details"}
}

func findPage(def *model.ReportDefinition, name string) (*model.Page, error) {
	if name == "" && len(def.Pages) > 0 {
		return &def.Pages[0], nil
	}
	for i := range def.Pages {
		if def.Pages[i].Name == name {
			return &def.Pages[i], nil
		}
	}
	return nil, errs.Invalid("page", "the report has no page %q", name)
}

func findVisual(p *model.Page, name string) (*model.Visual, bool) {
	for i := range p.Visuals {
		if p.Visuals[i].Name == name {
			return &p.Visuals[i], true
		}
	}
	return nil, false
}

func rawFilters(fs []model.Filter) []json.RawMessage {
	out := make([]json.RawMessage, len(fs))
	for i, f := range fs {
		out[i] = json.RawMessage(f)
	}
	return out
}

func nonNil(fs []model.Filter) []model.Filter {
	if fs == nil {
		return []model.Filter{}
	}
	return fs
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
