package embed

import (
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

// VisualQuery returns the query a visual of a report runs, with the report's
// and page's own filters, exactly as the embed page's query endpoint builds it.
func VisualQuery(def *model.ReportDefinition, pageName, visualName string) (*query.VisualQuery, error) {
	page, err := findPage(def, pageName)
	if err != nil {
		return nil, err
	}
	v, ok := findVisual(page, visualName)
	if !ok {
		return nil, errs.Invalid("visual", "page %q has no visual %q", page.Name, visualName)
	}
	return visualQuery(v, rawFilters(v.Filters), rawFilters(page.Filters), rawFilters(def.Filters)), nil
}
