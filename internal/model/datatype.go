package model

import (
	"encoding/json"
	"strings"
)

// DataType is a column's type, named as Power BI push datasets name them.
type DataType string

// Column data types.
const (
	TypeInt64    DataType = "Int64"
	TypeDouble   DataType = "Double"
	TypeDecimal  DataType = "Decimal"
	TypeBoolean  DataType = "Boolean"
	TypeDateTime DataType = "DateTime"
	TypeDate     DataType = "Date"
	TypeString   DataType = "String"
)

var dataTypeNames = map[string]DataType{
	"int64": TypeInt64, "integer": TypeInt64, "int": TypeInt64,
	"double": TypeDouble, "number": TypeDouble,
	"decimal": TypeDecimal, "currency": TypeDecimal,
	"boolean": TypeBoolean, "bool": TypeBoolean,
	"datetime": TypeDateTime,
	"date":     TypeDate,
	"string":   TypeString, "text": TypeString,
}

// ParseDataType accepts Power BI's spellings case-insensitively ("Datetime", "Int64", ...).
func ParseDataType(s string) (DataType, bool) {
	t, ok := dataTypeNames[strings.ToLower(s)]
	return t, ok
}

// UnmarshalJSON normalizes spellings; an unknown name is kept so Validate can name it.
func (t *DataType) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if p, ok := ParseDataType(s); ok {
		*t = p
	} else {
		*t = DataType(s)
	}
	return nil
}

// Family groups types that a report can use interchangeably.
type Family string

// Type families.
const (
	FamilyNumber  Family = "number"
	FamilyTime    Family = "time"
	FamilyText    Family = "text"
	FamilyBoolean Family = "boolean"
)

// Family returns the type's family; "" for an unknown type.
func (t DataType) Family() Family {
	switch t {
	case TypeInt64, TypeDouble, TypeDecimal:
		return FamilyNumber
	case TypeDateTime, TypeDate:
		return FamilyTime
	case TypeString:
		return FamilyText
	case TypeBoolean:
		return FamilyBoolean
	}
	return ""
}

// Valid reports whether t is a known type.
func (t DataType) Valid() bool { return t.Family() != "" }
