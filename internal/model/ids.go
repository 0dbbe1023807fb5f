package model

import (
	"strings"

	"github.com/google/uuid"
)

// EmptyGUID is Power BI's "none" identifier (e.g. AssignToCapacity unassigns with it).
const EmptyGUID = "00000000-0000-0000-0000-000000000000"

// NewID returns a new random lower-case GUID.
func NewID() string { return uuid.NewString() }

// NormalizeID parses s as a GUID and returns its lower-case canonical form.
func NormalizeID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return "", false
	}
	return strings.ToLower(u.String()), true
}
