package model

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// FieldRef names a field of a model as DAX does: Table[Column], 'Table name'[Column]
// or [Measure]. A qualified reference may also name a measure of that table.
type FieldRef struct {
	Table string // "" for [Measure]
	Name  string
}

// String renders the reference in its canonical DAX form.
func (r FieldRef) String() string {
	name := "[" + strings.ReplaceAll(r.Name, "]", "]]") + "]"
	if r.Table == "" {
		return name
	}
	if isPlainIdent(r.Table) {
		return r.Table + name
	}
	return "'" + strings.ReplaceAll(r.Table, "'", "''") + "'" + name
}

// IsMeasure reports whether the reference is unqualified, which in a report always means a measure.
func (r FieldRef) IsMeasure() bool { return r.Table == "" }

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || unicode.IsLetter(c) || (i > 0 && unicode.IsDigit(c)) {
			continue
		}
		return false
	}
	return true
}

func foldKey(s string) string { return strings.ToLower(s) }

func containsRune(s string, r rune) bool { return strings.ContainsRune(s, r) }

// ParseFieldRef parses one whole field reference.
func ParseFieldRef(s string) (FieldRef, error) {
	s = strings.TrimSpace(s)
	ref, n, err := scanRef(s, 0)
	if err != nil {
		return FieldRef{}, err
	}
	if n != len(s) {
		return FieldRef{}, fmt.Errorf("unexpected %q after field reference %s", s[n:], ref)
	}
	return ref, nil
}

// scanRef reads a reference starting at s[i] and returns it with the index after it.
func scanRef(s string, i int) (FieldRef, int, error) {
	var ref FieldRef
	switch {
	case i < len(s) && s[i] == '\'':
		t, j, err := scanQuoted(s, i+1, '\'')
		if err != nil {
			return ref, 0, fmt.Errorf("table name: %w", err)
		}
		ref.Table, i = t, j
	case i < len(s) && s[i] != '[':
		j := i
		for j < len(s) && s[j] != '[' {
			j++
		}
		ref.Table = strings.TrimSpace(s[i:j])
		if !isPlainIdent(ref.Table) {
			return ref, 0, fmt.Errorf("table name %q must be quoted as '%s'", ref.Table, ref.Table)
		}
		i = j
	}
	if i >= len(s) || s[i] != '[' {
		return ref, 0, errors.New("expected '[' and a column or measure name, as in Sales[Amount] or [Total Sales]")
	}
	name, j, err := scanQuoted(s, i+1, ']')
	if err != nil {
		return ref, 0, fmt.Errorf("column name: %w", err)
	}
	if strings.TrimSpace(name) == "" {
		return ref, 0, errors.New("empty column or measure name")
	}
	ref.Name = name
	return ref, j, nil
}

// scanQuoted reads up to the closing quote q (doubled q escapes it) and returns the text and the index after q.
func scanQuoted(s string, i int, q byte) (string, int, error) {
	var b strings.Builder
	for i < len(s) {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				b.WriteByte(q)
				i += 2
				continue
			}
			return b.String(), i + 1, nil
		}
		b.WriteByte(s[i])
		i++
	}
	return "", 0, fmt.Errorf("missing closing %q", q)
}

// ScanFieldRefs finds every field reference in a DAX expression, skipping
// string literals. It does not parse the expression; the query engine does.
func ScanFieldRefs(expr string) ([]FieldRef, error) {
	var refs []FieldRef
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"':
			_, j, err := scanQuoted(expr, i+1, '"')
			if err != nil {
				return nil, fmt.Errorf("string literal at %d: %w", i, err)
			}
			i = j
		case c == '\'' || c == '[':
			r, j, err := scanRef(expr, i)
			if err != nil {
				return nil, fmt.Errorf("at %d: %w", i, err)
			}
			refs = append(refs, r)
			i = j
		case c == '_' || isLetter(c):
			// An identifier immediately followed by '[' is a table name.
			j := i
			for j < len(expr) && (expr[j] == '_' || isLetter(expr[j]) || isDigit(expr[j]) || expr[j] >= 0x80) {
				j++
			}
			if j < len(expr) && expr[j] == '[' {
				r, k, err := scanRef(expr, i)
				if err != nil {
					return nil, fmt.Errorf("at %d: %w", i, err)
				}
				refs = append(refs, r)
				j = k
			}
			i = j
		default:
			i++
		}
	}
	return refs, nil
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
