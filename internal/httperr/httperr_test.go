package httperr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bindery-dev/bindery/internal/errs"
)

func TestStatusForEveryKind(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{errs.Invalid("f", "bad"), 400},
		{errs.NotFound("x", "1"), 404},
		{errs.Conflict("C", "c"), 409},
		{errs.New(errs.KindTooLarge, "T", "t"), 413},
		{errs.New(errs.KindUnauthorized, "U", "u"), 401},
		{errs.New(errs.KindForbidden, "F", "f"), 403},
		{errs.New(errs.KindUnavailable, "U", "u"), 503},
		{errs.New(errs.KindTimeout, "T", "t"), 504},
		{errs.New(errs.KindUnsupportedMedia, "M", "m"), 415},
		{errs.New(errs.KindTooManyRequests, "R", "r"), 429},
		{errs.New(errs.KindMethodNotAllowed, "M", "m"), 405},
		{fmt.Errorf("wrapped: %w", errs.NotFound("x", "1")), 404},
		{context.DeadlineExceeded, 503},
		{context.Canceled, 499},
		{errors.New("boom"), 500},
	}
	for _, c := range cases {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestInternalCausesStayPrivate(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	Write(rec, req, nil, fmt.Errorf("db password=hunter2: %w", errors.New("connection refused")))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "hunter2") || !strings.Contains(rec.Body.String(), `"code":"InternalError"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	e := errs.Invalid("name", "is required").Wrap(errors.New("secret cause"))
	Write(rec, req, nil, e)
	if rec.Code != 400 || strings.Contains(rec.Body.String(), "secret cause") || !strings.Contains(rec.Body.String(), `"target":"name"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	Write(rec, req, nil, errs.New(errs.KindUnauthorized, "InvalidToken", "no"))
	if rec.Header().Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}
}
