// Package errs defines Bindery's error kinds. Every layer returns these (wrapped
// with %w where it adds context); the API maps them to HTTP statuses and the
// Power BI error shape in one place (internal/api/errors.go).
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// Error kinds. KindInternal is the zero-information default for unknown errors.
const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindConflict
	KindTooLarge
	KindUnauthorized
	KindForbidden
	KindUnavailable
	KindTimeout
	KindUnsupportedMedia
	KindTooManyRequests
	KindMethodNotAllowed
)

// Error is an error a client may see. Message is public; Err (the cause) is only logged.
type Error struct {
	Kind    Kind
	Code    string // stable machine-readable code, e.g. "InvalidRequest"
	Message string // public, human-readable
	Field   string // the offending request field, for KindInvalid
	Details []Detail
	Err     error
}

// Detail is one item of a multi-part error, such as one schema mismatch.
type Detail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input in a named field.
func Invalid(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	return &Error{Kind: KindInvalid, Code: "InvalidRequest", Message: msg, Field: field}
}

// NotFound reports an unknown item; what names its kind ("workspace", "dataset").
func NotFound(what, id string) *Error {
	return &Error{Kind: KindNotFound, Code: "PowerBIEntityNotFound", Message: fmt.Sprintf("%s %q was not found", what, id)}
}

// Conflict reports a request that contradicts the current state.
func Conflict(code, format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

// New builds an error of any kind with a stable code.
func New(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf returns the kind of err, KindInternal when it carries none.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return KindInternal
}

// Wrap attaches a cause to a public error and returns it.
func (e *Error) Wrap(cause error) *Error {
	e.Err = cause
	return e
}
