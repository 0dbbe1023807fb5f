// Package httperr is the one place that turns errors into HTTP responses:
// the status for each error kind, the public part a client may see, and
// Power BI's error shape. The cause is logged, never sent.
package httperr

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/bindery-dev/bindery/internal/capacity"
	"github.com/bindery-dev/bindery/internal/errs"
)

// Body is Power BI's error shape: {"error":{"code","message"[,"target","details"]}}.
type Body struct {
	Error Detail `json:"error"`
}

type Detail struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Target  string        `json:"target,omitempty"`
	Details []errs.Detail `json:"details,omitempty"`
}

// Status is the one mapping from errors to HTTP statuses.
func Status(err error) int {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled):
		return 499 // client closed the request, as nginx and Prometheus report it
	}
	switch errs.KindOf(err) {
	case errs.KindInvalid:
		return http.StatusBadRequest
	case errs.KindNotFound:
		return http.StatusNotFound
	case errs.KindConflict:
		return http.StatusConflict
	case errs.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.KindUnauthorized:
		return http.StatusUnauthorized
	case errs.KindForbidden:
		return http.StatusForbidden
	case errs.KindUnavailable:
		return http.StatusServiceUnavailable
	case errs.KindTimeout:
		return http.StatusGatewayTimeout
	case errs.KindUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case errs.KindTooManyRequests:
		return http.StatusTooManyRequests
	case errs.KindMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// Public returns what the client may see of err.
func Public(err error, status int) Detail {
	if e, ok := errs.As(err); ok && e.Kind != errs.KindInternal {
		return Detail{Code: e.Code, Message: e.Message, Target: e.Field, Details: e.Details}
	}
	switch status {
	case http.StatusServiceUnavailable:
		return Detail{Code: "ServiceUnavailable", Message: "the request timed out or the server is shutting down; try again"}
	case 499:
		return Detail{Code: "RequestCanceled", Message: "the request was canceled"}
	}
	return Detail{Code: "InternalError", Message: "an internal error occurred; the server log has the details (see the RequestId header)"}
}

// Write logs err with its cause and writes the public part in Power BI's shape.
func Write(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	status := Status(err)
	body := Public(err, status)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	log.LogAttrs(r.Context(), level, "request failed",
		slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("code", body.Code), slog.String("err", err.Error()),
		slog.String("requestId", w.Header().Get("RequestId")))
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="bindery"`)
	}
	if d, ok := capacity.RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
	WriteJSON(w, status, Body{Error: body})
}

// WriteJSON writes v as the JSON body of a response with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the status is sent; a write error means the client left
}
