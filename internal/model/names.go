package model

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bindery-dev/bindery/internal/errs"
)

// MaxNameLength bounds every user-given name (items, tables, columns, measures, roles).
const MaxNameLength = 256

// validateName accepts any printable text without leading/trailing spaces.
func validateName(field, s string) error {
	switch {
	case s == "":
		return errs.Invalid(field, "is required")
	case !utf8.ValidString(s):
		return errs.Invalid(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > MaxNameLength:
		return errs.Invalid(field, "must be at most %d characters", MaxNameLength)
	case strings.TrimSpace(s) != s:
		return errs.Invalid(field, "must not begin or end with spaces")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return errs.Invalid(field, "must not contain control characters")
		}
	}
	return nil
}

// validateModelName is validateName plus the characters that would break a
// field reference: names of tables, columns and measures may not hold ']' or '\”
// at the edges only in quoted forms, so Bindery forbids '[' and ']' outright.
func validateModelName(field, s string) error {
	if err := validateName(field, s); err != nil {
		return err
	}
	if strings.ContainsAny(s, "[]") {
		return errs.Invalid(field, "must not contain '[' or ']'")
	}
	return nil
}

// sameName compares model names the way DAX does: case-insensitively.
func sameName(a, b string) bool { return strings.EqualFold(a, b) }
