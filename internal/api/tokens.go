package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/errs"
)

// generateToken is Power BI's GenerateToken V2: one token for several reports and datasets.
func (a *API) generateToken(w http.ResponseWriter, r *http.Request) error {
	var req embedtoken.Request
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	t, err := a.opts.Tokens.Generate(r.Context(), auth.FromContext(r.Context()), &req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// generateReportToken is Power BI's per-report GenerateToken (accessLevel View, Edit or Create).
func (a *API) generateReportToken(w http.ResponseWriter, r *http.Request) error {
	var req embedtoken.ReportRequestV1
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	t, err := a.opts.Tokens.GenerateForReport(r.Context(), auth.FromContext(r.Context()), r.PathValue("groupId"), r.PathValue("reportId"), &req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// listEmbedTokens shows the audit log: the administrator sees every caller's tokens, others their own.
func (a *API) listEmbedTokens(w http.ResponseWriter, r *http.Request) error {
	limit := 100
	if v := r.URL.Query().Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return errs.Invalid("$top", "must be a whole number from 1 to 1000")
		}
		limit = n
	}
	rs, err := a.opts.Tokens.List(r.Context(), auth.FromContext(r.Context()), r.URL.Query().Get("caller"), limit)
	if err != nil {
		return err
	}
	writeList(w, rs)
	return nil
}

func (a *API) getEmbedToken(w http.ResponseWriter, r *http.Request) error {
	rec, err := a.opts.Tokens.Get(r.Context(), auth.FromContext(r.Context()), r.PathValue("tokenId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

// revokeEmbedToken revokes a token by its id, for every node.
func (a *API) revokeEmbedToken(w http.ResponseWriter, r *http.Request) error {
	rec, err := a.opts.Tokens.Revoke(r.Context(), auth.FromContext(r.Context()), r.PathValue("tokenId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

type rotatedKeys struct {
	EmbedKeyID string `json:"embedKeyId"`
	RotatedAt  string `json:"rotatedAt"`
}

// rotateSigningKeys replaces the active signing keys of embed tokens and of the
// OAuth issuer; tokens signed before keep verifying until they expire.
func (a *API) rotateSigningKeys(w http.ResponseWriter, r *http.Request) error {
	if !auth.FromContext(r.Context()).IsAdmin() {
		return authz.Denied("only the server administrator rotates signing keys")
	}
	kid, err := a.opts.Tokens.RotateKeys(r.Context())
	if err != nil {
		return err
	}
	if a.opts.RotateIssuerKey != nil {
		if err := a.opts.RotateIssuerKey(r.Context()); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, rotatedKeys{EmbedKeyID: kid, RotatedAt: time.Now().UTC().Format(time.RFC3339)})
	return nil
}
