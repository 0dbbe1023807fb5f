package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
)

// decodeJSON reads one JSON value from the body into v, with errors that name
// the offending field. Unknown fields are ignored so that Power BI clients'
// bodies are accepted as they are.
func decodeJSON(r *http.Request, v any) error {
	if r.Body == nil {
		return errs.Invalid("body", "a JSON body is required")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		return errs.New(errs.KindUnsupportedMedia, "UnsupportedMediaType", "Content-Type must be application/json, got %q", ct)
	}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.Invalid("body", "must hold exactly one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return errs.New(errs.KindTooLarge, "RequestTooLarge", "the request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return errs.Invalid("body", "a JSON body is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.Invalid("body", "the JSON body ends too early")
	case errors.As(err, &syntax):
		return errs.Invalid("body", "invalid JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return errs.Invalid(field, "must be %s, got JSON %s", jsonTypeName(typ.Type.Kind().String()), typ.Value)
	}
	return errs.Invalid("body", "%v", err).Wrap(fmt.Errorf("decode: %w", err))
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a number"
}
