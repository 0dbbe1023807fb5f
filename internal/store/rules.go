package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// The rules below are the ones every implementation must apply identically;
// keeping them here means the SQLite and PostgreSQL stores cannot drift apart.

// NameKey folds a workspace name or a user name for uniqueness checks. Upper
// then lower folds the cases plain lower-casing misses (e.g. 'ſ' and 's').
func NameKey(name string) string { return strings.ToLower(strings.ToUpper(name)) }

// IdentifierKey folds a member or grant identifier for case-insensitive matching.
func IdentifierKey(id string) string { return strings.ToLower(id) }

// CreatedAt is the creation time to store: now when t is zero, in UTC, at the
// microsecond precision both databases keep.
func CreatedAt(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// ErrDuplicateWorkspaceName is the conflict of a taken workspace name.
func ErrDuplicateWorkspaceName(name string) *errs.Error {
	return errs.Conflict("DuplicateWorkspaceName", "a workspace named %q already exists", name)
}

// ErrDuplicateUser is the conflict of a taken user name.
func ErrDuplicateUser(username string) *errs.Error {
	return errs.Conflict("DuplicateUser", "a user named %q already exists", username)
}

// ErrAlreadyExists is the conflict of a create with an id that is taken.
func ErrAlreadyExists(what, id string) *errs.Error {
	return errs.Conflict("AlreadyExists", "%s %q already exists", what, id)
}

// ReportUse is a report that holds a dataset, for DatasetInUse errors.
type ReportUse struct{ ID, Name, DatasetID string }

// ErrDatasetInUse is the conflict naming each report that holds a dataset,
// also as a detail whose target is the report id.
func ErrDatasetInUse(msg string, uses []ReportUse) *errs.Error {
	names := make([]string, len(uses))
	details := make([]errs.Detail, len(uses))
	for i, u := range uses {
		names[i] = fmt.Sprintf("%q (%s)", u.Name, u.ID)
		details[i] = errs.Detail{Code: "DatasetInUse", Message: fmt.Sprintf("report %q uses dataset %s", u.Name, u.DatasetID), Target: u.ID}
	}
	e := errs.Conflict("DatasetInUse", "%s: %s", msg, strings.Join(names, ", "))
	e.Details = details
	return e
}

// CapacityJSON encodes a capacity's admins and limits as they are stored.
func CapacityJSON(c *model.Capacity) (admins, limits string, err error) {
	a, err := json.Marshal(c.Admins)
	if err != nil {
		return "", "", fmt.Errorf("encode capacity admins: %w", err)
	}
	l, err := json.Marshal(c.Limits)
	if err != nil {
		return "", "", fmt.Errorf("encode capacity limits: %w", err)
	}
	return string(a), string(l), nil
}
