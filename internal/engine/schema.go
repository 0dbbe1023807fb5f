package engine

import (
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// quoteIdent quotes a model name for DuckDB: any text is safe inside double
// quotes once embedded double quotes are doubled.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// quoteString quotes a string literal. Used only for file paths Bindery builds
// itself (ATTACH takes no parameters); data values are always bound.
func quoteString(s string) string {
	return `'` + strings.ReplaceAll(s, `'`, `''`) + `'`
}

// SQLType returns the DuckDB type that stores a model type.
func SQLType(t model.DataType) (string, error) {
	switch t {
	case model.TypeInt64:
		return "BIGINT", nil
	case model.TypeDouble:
		return "DOUBLE", nil
	case model.TypeDecimal:
		return "DECIMAL(18,4)", nil
	case model.TypeBoolean:
		return "BOOLEAN", nil
	case model.TypeDateTime:
		return "TIMESTAMP", nil
	case model.TypeDate:
		return "DATE", nil
	case model.TypeString:
		return "VARCHAR", nil
	}
	return "", fmt.Errorf("engine: unknown data type %q", t)
}

// createTableSQL builds CREATE TABLE for a model table; prefix is "" or a
// quoted catalog followed by ".main.".
func createTableSQL(prefix string, t *model.Table) (string, error) {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + prefix + quoteIdent(t.Name) + " (")
	for i, c := range t.Columns {
		typ, err := SQLType(c.DataType)
		if err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(c.Name) + " " + typ)
	}
	b.WriteString(")")
	return b.String(), nil
}

// columnList returns the quoted, comma-separated column names of t.
func columnList(t *model.Table) string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = quoteIdent(c.Name)
	}
	return strings.Join(names, ", ")
}

// checkDefinition checks the parts of a definition the engine relies on.
func checkDefinition(def *model.DatasetDefinition) error {
	if def == nil {
		return errs.Invalid("definition", "is required")
	}
	return def.Validate()
}

// lookupTable finds a table of the definition or returns errs.Invalid naming field "table".
func lookupTable(def *model.DatasetDefinition, name string) (*model.Table, error) {
	if def == nil {
		return nil, errs.Invalid("definition", "is required")
	}
	t, ok := def.Table(name)
	if !ok {
		return nil, errs.Invalid("table", "unknown table %q", name)
	}
	return t, nil
}
