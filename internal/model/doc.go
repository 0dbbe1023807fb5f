// Package model holds Bindery's concepts — capacities, workspaces, datasets,
// reports — as plain types with their validation, named as Power BI names them.
// It has no I/O: the store persists these types and the API encodes them.
package model
