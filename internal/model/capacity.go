package model

import (
	"time"

	"github.com/bindery-dev/bindery/internal/errs"
)

// CapacityState is the lifecycle state of a capacity (Power BI's CapacityState enum, the states Bindery uses).
type CapacityState string

// Capacity states.
const (
	CapacityActive    CapacityState = "Active"
	CapacitySuspended CapacityState = "Suspended"
)

// CapacityLimits bound what a capacity's workspaces may consume.
type CapacityLimits struct {
	MaxConcurrentQueries int `json:"maxConcurrentQueries"`
	QueryTimeoutSeconds  int `json:"queryTimeoutSeconds"`
	MaxResultRows        int `json:"maxResultRows"`
	MaxDatasetMemoryMB   int `json:"maxDatasetMemoryMB"`
}

// DefaultCapacityLimits are applied to any limit left at zero.
var DefaultCapacityLimits = CapacityLimits{
	MaxConcurrentQueries: 8,
	QueryTimeoutSeconds:  30,
	MaxResultRows:        30000,
	MaxDatasetMemoryMB:   2048,
}

// Capacity is a pool of compute that workspaces are assigned to.
type Capacity struct {
	ID          string         `json:"id"`
	DisplayName string         `json:"displayName"`
	SKU         string         `json:"sku"`
	State       CapacityState  `json:"state"`
	Region      string         `json:"region"`
	Admins      []string       `json:"admins"`
	Limits      CapacityLimits `json:"limits"`
	CreatedAt   time.Time      `json:"-"`
}

// KnownSKUs are the capacity sizes Bindery accepts, after Power BI's A, EM, P and F SKUs.
var KnownSKUs = map[string]bool{
	"A1": true, "A2": true, "A3": true, "A4": true, "A5": true, "A6": true,
	"EM1": true, "EM2": true, "EM3": true,
	"P1": true, "P2": true, "P3": true, "P4": true, "P5": true,
	"F2": true, "F4": true, "F8": true, "F16": true, "F32": true, "F64": true,
}

// WithDefaults fills zero limits from DefaultCapacityLimits.
func (l CapacityLimits) WithDefaults() CapacityLimits {
	d := DefaultCapacityLimits
	if l.MaxConcurrentQueries == 0 {
		l.MaxConcurrentQueries = d.MaxConcurrentQueries
	}
	if l.QueryTimeoutSeconds == 0 {
		l.QueryTimeoutSeconds = d.QueryTimeoutSeconds
	}
	if l.MaxResultRows == 0 {
		l.MaxResultRows = d.MaxResultRows
	}
	if l.MaxDatasetMemoryMB == 0 {
		l.MaxDatasetMemoryMB = d.MaxDatasetMemoryMB
	}
	return l
}

// Validate checks the limits' ranges.
func (l CapacityLimits) Validate() error {
	checks := []struct {
		field     string
		v, lo, hi int
	}{
		{"limits.maxConcurrentQueries", l.MaxConcurrentQueries, 1, 1024},
		{"limits.queryTimeoutSeconds", l.QueryTimeoutSeconds, 1, 3600},
		{"limits.maxResultRows", l.MaxResultRows, 1, 10_000_000},
		{"limits.maxDatasetMemoryMB", l.MaxDatasetMemoryMB, 16, 1 << 20},
	}
	for _, c := range checks {
		if c.v < c.lo || c.v > c.hi {
			return errs.Invalid(c.field, "must be between %d and %d, got %d", c.lo, c.hi, c.v)
		}
	}
	return nil
}

// Validate checks a capacity before it is stored.
func (c *Capacity) Validate() error {
	if err := validateName("displayName", c.DisplayName); err != nil {
		return err
	}
	if !KnownSKUs[c.SKU] {
		return errs.Invalid("sku", "unknown SKU %q (use one of A1-A6, EM1-EM3, P1-P5, F2-F64)", c.SKU)
	}
	if c.State != CapacityActive && c.State != CapacitySuspended {
		return errs.Invalid("state", "must be Active or Suspended, got %q", c.State)
	}
	if len(c.Region) > 100 {
		return errs.Invalid("region", "must be at most 100 characters")
	}
	return c.Limits.Validate()
}
