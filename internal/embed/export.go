package embed

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/queryexec"
)

type exportRequest struct {
	target
	Page        string             `json:"page"`
	Visual      string             `json:"visual"`
	DataType    string             `json:"dataType"` // Summarized (default) or Underlying, as powerbi-models' ExportDataType
	Rows        int                `json:"rows,omitempty"`
	Filters     filterSet          `json:"filters"`
	VisualFilts *[]json.RawMessage `json:"visualFilters,omitempty"`
}

// export answers VisualDescriptor.exportData: a visual's data as CSV. Summarized
// data needs Read; underlying rows need edit rights (allowEdit in an embed
// token, Write for a principal), as Power BI asks Build for them.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) error {
	var req exportRequest
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
	v, ok := findVisual(page, req.Visual)
	if !ok {
		return errs.Invalid("visual", "page %q has no visual %q", page.Name, req.Visual)
	}
	js, err := h.jobs(d, page, queryRequest{target: req.target, Page: page.Name, Visuals: []visualRequest{{Name: v.Name, Filters: req.VisualFilts}}, Filters: req.Filters})
	if err != nil {
		return err
	}
	q := js[0].q
	switch strings.ToLower(req.DataType) {
	case "", "summarized", "0":
		if !d.AllowExport {
			return authz.Denied("exporting data is not allowed for this report")
		}
	case "underlying", "1":
		if !d.AllowExport || !d.AllowEdit {
			return authz.Denied("exporting underlying data needs edit rights on the report")
		}
		q = underlyingQuery(&d.Dataset.Definition, v, q.Filters, q.PageFilters, q.ReportFilters)
	default:
		return errs.Invalid("dataType", "must be Summarized or Underlying, got %q", req.DataType)
	}
	if req.Rows < 0 {
		return errs.Invalid("rows", "must be positive")
	}
	q.Limit = req.Rows
	res, err := h.o.Executor.Run(r.Context(), queryexec.Request{Dataset: d.Dataset, Capacity: d.Capacity, Query: q, Identity: d.Identity})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", v.Name+".csv"))
	w.Header().Set("Cache-Control", "no-store")
	if res.Truncated {
		w.Header().Set("X-Bindery-Truncated", "true")
	}
	cw := csv.NewWriter(w)
	head := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		head[i] = c.Name
	}
	_ = cw.Write(head)
	rec := make([]string, len(res.Columns))
	for _, row := range res.Rows {
		for i, val := range row {
			rec[i] = csvValue(val)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// csvValue formats a result value; text that a spreadsheet would run as a formula is quoted with a leading apostrophe.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			return "'" + x
		}
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
