package samples

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/bindery-dev/bindery/internal/auth/throttle"
)

type signinData struct {
	Title, Username, Error, AccountsFile string
	Accounts                             []customer
}

// customersPage is the app: its sign-in form, or the signed-in retailer's report page.
func (h *Handler) customersPage(w http.ResponseWriter, r *http.Request) {
	accounts, err := h.accounts.all()
	if err != nil {
		h.fail(w, err)
		return
	}
	user := h.signedIn(r)
	if user == nil {
		h.render(w, http.StatusOK, "signin", h.signinData(accounts, r.URL.Query().Get("username"), ""))
		return
	}
	h.render(w, http.StatusOK, "customers", struct {
		Title    string
		User     *customer
		Accounts []customer
	}{"Retail Portal — " + user.Retailer, user, accounts})
}

func (h *Handler) signinData(accounts []customer, username, msg string) signinData {
	return signinData{Title: "Sign in — Retail Portal (sample)", Username: username, Error: msg,
		AccountsFile: filepath.Base(h.o.AccountsFile), Accounts: accounts}
}

func (h *Handler) signedIn(r *http.Request) *customer {
	name := h.sessions.user(r)
	if name == "" {
		return nil
	}
	c, err := h.accounts.find(name)
	if err != nil {
		return nil
	}
	return c
}

// customersSignIn checks the app's own account; failures are throttled per address and username.
func (h *Handler) customersSignIn(w http.ResponseWriter, r *http.Request) {
	if !h.sameOrigin(r) {
		http.Error(w, "cross-site request refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	user, pw := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password")
	keys := []string{throttle.AddrKey(r), "user:" + strings.ToLower(user)}
	if ok, wait := h.limiter.Allow(keys...); !ok {
		throttle.Refuse(w, wait)
		return
	}
	accounts, err := h.accounts.all()
	if err != nil {
		h.fail(w, err)
		return
	}
	c, ok, err := h.accounts.check(user, pw)
	if err != nil {
		h.fail(w, err)
		return
	}
	if !ok {
		h.limiter.Fail(keys...)
		h.render(w, http.StatusUnauthorized, "signin", h.signinData(accounts, user, "The username or password is not correct."))
		return
	}
	h.limiter.Reset("user:" + strings.ToLower(user))
	h.sessions.set(w, c.Username, h.secure)
	http.Redirect(w, r, sessionPath, http.StatusSeeOther)
}

// customersSignOut ends the session; "switch" goes on to the sign-in form for another retailer.
func (h *Handler) customersSignOut(w http.ResponseWriter, r *http.Request) {
	if !h.sameOrigin(r) {
		http.Error(w, "cross-site request refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm()
	h.sessions.clear(w, h.secure)
	to := sessionPath
	if r.PostForm.Get("action") == "switch" {
		if next, err := h.accounts.find(r.PostForm.Get("next")); err == nil && next != nil {
			to += "?username=" + next.Username // a known account name: nothing a caller can inject
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// embedConfig is what the page needs to embed: everything but the app's own credentials.
type embedConfig struct {
	Type        string    `json:"type"`
	ReportID    string    `json:"reportId"`
	EmbedURL    string    `json:"embedUrl"`
	DatasetID   string    `json:"datasetId"`
	Retailer    string    `json:"retailer"`
	AccessToken string    `json:"accessToken"`
	TokenType   int       `json:"tokenType"` // 1: Embed (powerbi-models TokenType.Embed)
	TokenID     string    `json:"tokenId"`
	Expiration  time.Time `json:"expiration"`
	Identity    *identity `json:"identity"`
}

// customersEmbed mints an embed token for the signed-in retailer: the report and
// that retailer's dataset, with an RLS identity when the dataset requires one.
// The page calls it to embed and again on tokenExpiring.
func (h *Handler) customersEmbed(w http.ResponseWriter, r *http.Request) {
	if !h.sameOrigin(r) {
		writeJSONError(w, http.StatusForbidden, "CrossSite", "cross-site request refused")
		return
	}
	user := h.signedIn(r)
	if user == nil {
		writeJSONError(w, http.StatusUnauthorized, "SignInRequired", "sign in to the sample first")
		return
	}
	var body struct {
		LifetimeInMinutes int `json:"lifetimeInMinutes"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
		writeJSONError(w, http.StatusBadRequest, "InvalidRequest", "body: "+err.Error())
		return
	}
	lifetime := int(h.o.EmbedTokenLifetime / time.Minute)
	if body.LifetimeInMinutes != 0 {
		if body.LifetimeInMinutes < 1 || body.LifetimeInMinutes > 60 {
			writeJSONError(w, http.StatusBadRequest, "InvalidRequest", "lifetimeInMinutes: must be between 1 and 60")
			return
		}
		lifetime = body.LifetimeInMinutes
	}
	cfg, err := h.config.get()
	if err != nil {
		h.fail(w, err)
		return
	}
	ds, ok := cfg.dataset(user.Retailer)
	if !ok {
		writeJSONError(w, http.StatusNotFound, "UnknownRetailer", "the demo has no dataset named "+user.Retailer)
		return
	}
	req := tokenRequest{Reports: []itemRef{{ID: cfg.Report.ID}}, Datasets: []itemRef{{ID: ds.ID}}, LifetimeInMinutes: lifetime}
	rls, err := h.client.needsIdentity(r.Context(), ds)
	if err != nil {
		h.fail(w, err)
		return
	}
	if rls {
		if user.RLSUsername == "" || len(user.RLSRoles) == 0 {
			writeJSONError(w, http.StatusConflict, "IdentityRequired", "the dataset of "+user.Retailer+" has row-level security, and this account has no identity for it")
			return
		}
		req.Identities = []identity{{Username: user.RLSUsername, Roles: user.RLSRoles, Datasets: []string{ds.ID}}}
	}
	t, err := h.client.generateToken(r.Context(), req)
	if err != nil {
		h.fail(w, err)
		return
	}
	out := embedConfig{Type: "report", ReportID: cfg.Report.ID, EmbedURL: cfg.Report.EmbedURL, DatasetID: ds.ID, Retailer: user.Retailer,
		AccessToken: t.Token, TokenType: 1, TokenID: t.TokenID, Expiration: t.Expiration}
	if len(req.Identities) > 0 {
		out.Identity = &req.Identities[0]
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// fail answers a failure of the sample's backend; Bindery's own error message is passed on
// (it names what was refused), anything else is logged and kept out of the page.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	var ae *apiError
	switch {
	case errors.Is(err, errNotReady):
		writeJSONError(w, http.StatusServiceUnavailable, "NotReady", err.Error())
	case errors.As(err, &ae):
		h.o.Logger.Warn("sample: bindery refused", "err", err)
		writeJSONError(w, http.StatusBadGateway, "BinderyError", "Bindery answered "+ae.Code+": "+ae.Message)
	default:
		h.o.Logger.Error("sample", "err", err)
		writeJSONError(w, http.StatusInternalServerError, "InternalError", "the sample's backend failed; see the server log")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}
