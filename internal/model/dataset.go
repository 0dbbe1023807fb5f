package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bindery-dev/bindery/internal/errs"
)

// StorageMode says where a dataset's data lives.
type StorageMode string

// Storage modes.
const (
	StorageImport      StorageMode = "Import"
	StorageDirectQuery StorageMode = "DirectQuery"
	StoragePush        StorageMode = "Push"
)

// Limits on a dataset definition, generous for real models and small enough to bound work.
const (
	MaxTables        = 100
	MaxColumns       = 500
	MaxMeasures      = 1000
	MaxRoles         = 100
	MaxRelationships = 500
	MaxExpression    = 8000
)

// Dataset is a semantic model: tables, relationships, measures and RLS roles, plus its data.
type Dataset struct {
	ID           string      `json:"id"`
	WorkspaceID  string      `json:"-"`
	Name         string      `json:"name"`
	StorageMode  StorageMode `json:"storageMode"`
	ConfiguredBy string      `json:"configuredBy,omitempty"`
	CreatedAt    time.Time   `json:"-"`
	// DataVersion increases whenever the data changes; caches key on it.
	DataVersion int64             `json:"-"`
	Definition  DatasetDefinition `json:"-"`
}

// DatasetDefinition is the model of a dataset. It accepts Power BI's push-dataset
// body as is (name, defaultMode, tables[{name, columns[{name, dataType}], measures}], relationships)
// plus Bindery's roles.
type DatasetDefinition struct {
	Name          string         `json:"name"`
	DefaultMode   string         `json:"defaultMode,omitempty"`
	Tables        []Table        `json:"tables"`
	Relationships []Relationship `json:"relationships,omitempty"`
	Roles         []RLSRole      `json:"roles,omitempty"`
}

// Table is a table of a dataset.
type Table struct {
	Name     string    `json:"name"`
	Columns  []Column  `json:"columns"`
	Measures []Measure `json:"measures,omitempty"`
}

// Column is a typed column, with Power BI's push-dataset column properties.
// Bindery keeps the properties and returns them with the definition; reports
// and clients use them for display.
type Column struct {
	Name         string   `json:"name"`
	DataType     DataType `json:"dataType"`
	FormatString string   `json:"formatString,omitempty"`
	DataCategory string   `json:"dataCategory,omitempty"` // e.g. City, PostalCode, WebUrl
	IsHidden     bool     `json:"isHidden,omitempty"`
	SummarizeBy  string   `json:"summarizeBy,omitempty"`  // one of SummarizeByValues
	SortByColumn string   `json:"sortByColumn,omitempty"` // a column of the same table
}

// Bounds on column properties.
const (
	MaxFormatString = 256
	MaxDataCategory = 100
)

// SummarizeByValues are the summarizeBy values Power BI accepts (matched case-insensitively).
var SummarizeByValues = []string{"default", "none", "sum", "min", "max", "count", "average", "distinctCount"}

// validateProperties checks a column's optional properties; t is its table.
func (c *Column) validateProperties(field string, t *Table) error {
	if err := validateText(field+".formatString", c.FormatString, MaxFormatString); err != nil {
		return err
	}
	if err := validateText(field+".dataCategory", c.DataCategory, MaxDataCategory); err != nil {
		return err
	}
	if c.SummarizeBy != "" && !slices.ContainsFunc(SummarizeByValues, func(v string) bool { return strings.EqualFold(v, c.SummarizeBy) }) {
		return errs.Invalid(field+".summarizeBy", "unknown value %q (use one of %s)", c.SummarizeBy, strings.Join(SummarizeByValues, ", "))
	}
	if c.SortByColumn != "" {
		if _, ok := t.Column(c.SortByColumn); !ok {
			return errs.Invalid(field+".sortByColumn", "unknown column %q in table %q", c.SortByColumn, t.Name)
		}
	}
	return nil
}

// validateText accepts valid UTF-8 of at most max characters, without control characters.
func validateText(field, s string, max int) error {
	if s == "" {
		return nil
	}
	if !utf8.ValidString(s) {
		return errs.Invalid(field, "is not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > max {
		return errs.Invalid(field, "must be at most %d characters", max)
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return errs.Invalid(field, "must not contain control characters")
	}
	return nil
}

// Measure is a named DAX expression.
type Measure struct {
	Name         string `json:"name"`
	Expression   string `json:"expression"`
	FormatString string `json:"formatString,omitempty"`
}

// Relationship joins a many side (From) to a one side (To).
type Relationship struct {
	Name                   string `json:"name,omitempty"`
	FromTable              string `json:"fromTable"`
	FromColumn             string `json:"fromColumn"`
	ToTable                string `json:"toTable"`
	ToColumn               string `json:"toColumn"`
	CrossFilteringBehavior string `json:"crossFilteringBehavior,omitempty"`
	// AssumeReferentialIntegrity is the author's promise, as Power BI's property of
	// the same name, that every many-side value (never blank) has a one-side row.
	// Queries may then use an INNER JOIN, which engines run faster; when the promise
	// is broken, many-side rows without a one-side row drop out of results instead
	// of falling into a blank group.
	AssumeReferentialIntegrity bool `json:"assumeReferentialIntegrity,omitempty"`
}

// RLSRole is a row-level security role: a DAX filter per table.
type RLSRole struct {
	Name             string            `json:"name"`
	ModelPermission  string            `json:"modelPermission,omitempty"`
	TablePermissions []TablePermission `json:"tablePermissions"`
	// Members are the signed-in principals (user names or app client ids) the role
	// applies to when they embed with their own token; embed tokens name roles instead.
	Members []string `json:"members,omitempty"`
}

// RolesOf returns the names of the roles whose members include identifier (case-insensitive).
func (d *DatasetDefinition) RolesOf(identifier string) []string {
	var out []string
	for _, r := range d.Roles {
		for _, m := range r.Members {
			if sameName(m, identifier) {
				out = append(out, r.Name)
				break
			}
		}
	}
	return out
}

// TablePermission filters one table for members of a role.
type TablePermission struct {
	Name             string `json:"name"`
	FilterExpression string `json:"filterExpression"`
}

// ParseStorageMode maps a push dataset's defaultMode or Bindery's storageMode to a StorageMode.
// Push datasets ("Push", "PushStreaming", "AsAzure", "AsOnPrem") are held by Bindery like Import.
func ParseStorageMode(s string) (StorageMode, error) {
	switch s {
	case "", "Import", "Push", "PushStreaming", "AsAzure", "AsOnPrem", "Streaming":
		if s == "" || s == "Import" {
			return StorageImport, nil
		}
		return StoragePush, nil
	case "DirectQuery":
		return StorageDirectQuery, nil
	}
	return "", errs.Invalid("defaultMode", "unknown mode %q (use Import, Push or DirectQuery)", s)
}

// IsEffectiveIdentityRequired follows from the roles: a dataset with RLS needs an identity.
func (d *DatasetDefinition) IsEffectiveIdentityRequired() bool { return len(d.Roles) > 0 }

// IsEffectiveIdentityRolesRequired: with roles defined in the model, an identity must name one.
func (d *DatasetDefinition) IsEffectiveIdentityRolesRequired() bool { return len(d.Roles) > 0 }

// Table returns the table with the given name (case-insensitive, as DAX).
func (d *DatasetDefinition) Table(name string) (*Table, bool) {
	for i := range d.Tables {
		if sameName(d.Tables[i].Name, name) {
			return &d.Tables[i], true
		}
	}
	return nil, false
}

// Column returns a column of the table.
func (t *Table) Column(name string) (*Column, bool) {
	for i := range t.Columns {
		if sameName(t.Columns[i].Name, name) {
			return &t.Columns[i], true
		}
	}
	return nil, false
}

// Measure finds a measure anywhere in the model; measure names are unique per model.
func (d *DatasetDefinition) Measure(name string) (*Measure, *Table, bool) {
	for i := range d.Tables {
		for j := range d.Tables[i].Measures {
			if sameName(d.Tables[i].Measures[j].Name, name) {
				return &d.Tables[i].Measures[j], &d.Tables[i], true
			}
		}
	}
	return nil, nil, false
}

// Role returns the RLS role with the given name.
func (d *DatasetDefinition) Role(name string) (*RLSRole, bool) {
	for i := range d.Roles {
		if sameName(d.Roles[i].Name, name) {
			return &d.Roles[i], true
		}
	}
	return nil, false
}

// Validate checks the whole definition: names, types, unique names, relationships
// between existing columns, and that expressions reference existing fields.
func (d *DatasetDefinition) Validate() error {
	if err := validateName("name", d.Name); err != nil {
		return err
	}
	if _, err := ParseStorageMode(d.DefaultMode); err != nil {
		return err
	}
	if len(d.Tables) == 0 {
		return errs.Invalid("tables", "at least one table is required")
	}
	if len(d.Tables) > MaxTables {
		return errs.Invalid("tables", "at most %d tables are allowed", MaxTables)
	}
	tableNames := map[string]bool{}
	measureNames := map[string]bool{}
	nMeasures := 0
	for i, t := range d.Tables {
		f := fmt.Sprintf("tables[%d]", i)
		if err := validateModelName(f+".name", t.Name); err != nil {
			return err
		}
		key := foldKey(t.Name)
		if tableNames[key] {
			return errs.Invalid(f+".name", "duplicate table %q", t.Name)
		}
		tableNames[key] = true
		if len(t.Columns) == 0 {
			return errs.Invalid(f+".columns", "at least one column is required")
		}
		if len(t.Columns) > MaxColumns {
			return errs.Invalid(f+".columns", "at most %d columns are allowed", MaxColumns)
		}
		colNames := map[string]bool{}
		for j, c := range t.Columns {
			cf := fmt.Sprintf("%s.columns[%d]", f, j)
			if err := validateModelName(cf+".name", c.Name); err != nil {
				return err
			}
			if colNames[foldKey(c.Name)] {
				return errs.Invalid(cf+".name", "duplicate column %q in table %q", c.Name, t.Name)
			}
			colNames[foldKey(c.Name)] = true
			if !c.DataType.Valid() {
				return errs.Invalid(cf+".dataType", "unknown data type %q (use Int64, Double, Decimal, Boolean, DateTime, Date or String)", c.DataType)
			}
			if err := c.validateProperties(cf, &t); err != nil {
				return err
			}
		}
		for j, m := range t.Measures {
			nMeasures++
			mf := fmt.Sprintf("%s.measures[%d]", f, j)
			if err := validateModelName(mf+".name", m.Name); err != nil {
				return err
			}
			if measureNames[foldKey(m.Name)] {
				return errs.Invalid(mf+".name", "duplicate measure %q (measure names are unique in a model)", m.Name)
			}
			if colNames[foldKey(m.Name)] {
				return errs.Invalid(mf+".name", "measure %q has the name of a column of table %q", m.Name, t.Name)
			}
			measureNames[foldKey(m.Name)] = true
			if m.Expression == "" || len(m.Expression) > MaxExpression {
				return errs.Invalid(mf+".expression", "must be 1 to %d characters", MaxExpression)
			}
		}
	}
	if nMeasures > MaxMeasures {
		return errs.Invalid("tables", "at most %d measures are allowed", MaxMeasures)
	}
	if err := d.validateRelationships(); err != nil {
		return err
	}
	if err := d.validateRoles(); err != nil {
		return err
	}
	return d.validateExpressions()
}

func (d *DatasetDefinition) validateRelationships() error {
	if len(d.Relationships) > MaxRelationships {
		return errs.Invalid("relationships", "at most %d relationships are allowed", MaxRelationships)
	}
	for i, r := range d.Relationships {
		f := fmt.Sprintf("relationships[%d]", i)
		from, ok := d.Table(r.FromTable)
		if !ok {
			return errs.Invalid(f+".fromTable", "unknown table %q", r.FromTable)
		}
		fc, ok := from.Column(r.FromColumn)
		if !ok {
			return errs.Invalid(f+".fromColumn", "unknown column %q in table %q", r.FromColumn, r.FromTable)
		}
		to, ok := d.Table(r.ToTable)
		if !ok {
			return errs.Invalid(f+".toTable", "unknown table %q", r.ToTable)
		}
		tc, ok := to.Column(r.ToColumn)
		if !ok {
			return errs.Invalid(f+".toColumn", "unknown column %q in table %q", r.ToColumn, r.ToTable)
		}
		if sameName(from.Name, to.Name) {
			return errs.Invalid(f+".toTable", "a relationship must join two different tables")
		}
		if fc.DataType.Family() != tc.DataType.Family() {
			return errs.Invalid(f, "columns %s[%s] (%s) and %s[%s] (%s) have incompatible types",
				from.Name, fc.Name, fc.DataType, to.Name, tc.Name, tc.DataType)
		}
		switch r.CrossFilteringBehavior {
		case "", "OneDirection", "BothDirections", "Automatic":
		default:
			return errs.Invalid(f+".crossFilteringBehavior", "must be OneDirection, BothDirections or Automatic")
		}
	}
	return nil
}

func (d *DatasetDefinition) validateRoles() error {
	if len(d.Roles) > MaxRoles {
		return errs.Invalid("roles", "at most %d roles are allowed", MaxRoles)
	}
	names := map[string]bool{}
	for i, r := range d.Roles {
		f := fmt.Sprintf("roles[%d]", i)
		if err := validateName(f+".name", r.Name); err != nil {
			return err
		}
		if len(r.Name) > 50 || containsRune(r.Name, ',') {
			return errs.Invalid(f+".name", "a role name has at most 50 characters and no ','")
		}
		if names[foldKey(r.Name)] {
			return errs.Invalid(f+".name", "duplicate role %q", r.Name)
		}
		names[foldKey(r.Name)] = true
		switch r.ModelPermission {
		case "", "Read":
		default:
			return errs.Invalid(f+".modelPermission", "only Read is supported")
		}
		for j, m := range r.Members {
			if err := validateName(fmt.Sprintf("%s.members[%d]", f, j), m); err != nil {
				return err
			}
		}
		for j, tp := range r.TablePermissions {
			tf := fmt.Sprintf("%s.tablePermissions[%d]", f, j)
			if _, ok := d.Table(tp.Name); !ok {
				return errs.Invalid(tf+".name", "unknown table %q", tp.Name)
			}
			if tp.FilterExpression == "" || len(tp.FilterExpression) > MaxExpression {
				return errs.Invalid(tf+".filterExpression", "must be 1 to %d characters", MaxExpression)
			}
		}
	}
	return nil
}

// validateExpressions checks that every field reference in a measure or role
// filter names something in the model. Full parsing belongs to the query engine.
func (d *DatasetDefinition) validateExpressions() error {
	for i, t := range d.Tables {
		for j, m := range t.Measures {
			f := fmt.Sprintf("tables[%d].measures[%d].expression", i, j)
			if err := d.checkRefs(f, m.Expression, &t); err != nil {
				return err
			}
		}
	}
	for i, r := range d.Roles {
		for j, tp := range r.TablePermissions {
			f := fmt.Sprintf("roles[%d].tablePermissions[%d].filterExpression", i, j)
			t, _ := d.Table(tp.Name)
			if err := d.checkRefs(f, tp.FilterExpression, t); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *DatasetDefinition) checkRefs(field, expr string, home *Table) error {
	refs, err := ScanFieldRefs(expr)
	if err != nil {
		return errs.Invalid(field, "%v", err)
	}
	for _, r := range refs {
		if r.Table == "" {
			// [Name]: a measure anywhere, or a column of the expression's own table.
			if _, _, ok := d.Measure(r.Name); ok {
				continue
			}
			if home != nil {
				if _, ok := home.Column(r.Name); ok {
					continue
				}
			}
			return errs.Invalid(field, "unknown measure or column [%s]", r.Name)
		}
		t, ok := d.Table(r.Table)
		if !ok {
			return errs.Invalid(field, "unknown table %q", r.Table)
		}
		if _, ok := t.Column(r.Name); ok {
			continue
		}
		if _, mt, ok := d.Measure(r.Name); ok && sameName(mt.Name, t.Name) {
			continue
		}
		return errs.Invalid(field, "unknown column %s", r)
	}
	return nil
}

// DatasetPermission is what an item grant gives on a dataset (Power BI's datasetUserAccessRight).
type DatasetPermission struct {
	Read, Build, Reshare bool
}

// ParseDatasetAccessRight maps Power BI's grantable rights (Read, ReadReshare, ReadExplore,
// ReadReshareExplore; "Explore" is Build) to a permission.
func ParseDatasetAccessRight(s string) (DatasetPermission, bool) {
	switch s {
	case "Read":
		return DatasetPermission{Read: true}, true
	case "ReadReshare":
		return DatasetPermission{Read: true, Reshare: true}, true
	case "ReadExplore":
		return DatasetPermission{Read: true, Build: true}, true
	case "ReadReshareExplore":
		return DatasetPermission{Read: true, Build: true, Reshare: true}, true
	}
	return DatasetPermission{}, false
}

// String renders the permission as Power BI's datasetUserAccessRight.
func (p DatasetPermission) String() string {
	switch {
	case !p.Read:
		return "None"
	case p.Build && p.Reshare:
		return "ReadReshareExplore"
	case p.Build:
		return "ReadExplore"
	case p.Reshare:
		return "ReadReshare"
	}
	return "Read"
}
