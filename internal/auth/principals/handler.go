package principals

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/httperr"
	"github.com/bindery-dev/bindery/internal/store"
)

// Route is one management endpoint, for the API's route table. Handle
// returns errors (always *errs.Error for anything the client caused) for the
// API's single error writer.
type Route struct {
	Method, Path string
	Handle       func(w http.ResponseWriter, r *http.Request) error
}

// Admin serves the principal management endpoints. Every one of them
// requires the caller to be the administrator.
type Admin struct{ svc *Service }

// NewAdmin returns the management endpoints over svc.
func NewAdmin(svc *Service) *Admin { return &Admin{svc: svc} }

// Routes lists the endpoints under /v1.0/myorg/admin.
func (a *Admin) Routes() []Route {
	const base = "/v1.0/myorg/admin"
	return []Route{
		{"GET", base + "/users", a.admin(a.listUsers)},
		{"POST", base + "/users", a.admin(a.createUser)},
		{"DELETE", base + "/users/{username}", a.admin(a.deleteUser)},
		{"GET", base + "/apps", a.admin(a.listApps)},
		{"POST", base + "/apps", a.admin(a.createApp)},
		{"POST", base + "/apps/{clientId}/secret", a.admin(a.rotateSecret)},
		{"DELETE", base + "/apps/{clientId}", a.admin(a.deleteApp)},
	}
}

// Handler serves the routes on their own mux (for tests and for mounting
// outside the API); errors are written as {"error":{code,message}}.
func (a *Admin) Handler(authn auth.Authenticator) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.Routes() {
		h := rt.Handle
		mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			p, err := authn.Authenticate(r)
			if err == nil {
				err = h(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
			}
			if err != nil {
				httperr.Write(w, r, nil, err)
			}
		})
	}
	return mux
}

func (a *Admin) admin(h func(w http.ResponseWriter, r *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !auth.FromContext(r.Context()).IsAdmin() {
			return errs.New(errs.KindForbidden, "InsufficientPermissions", "only the administrator may manage principals")
		}
		return h(w, r)
	}
}

// UserInfo is a user as the API shows it (never with the password hash).
type UserInfo struct {
	Username    string    `json:"username"`
	DisplayName string    `json:"displayName"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"createdAt"`
}

// AppInfo is an app as the API shows it; ClientSecret is set only in the
// answers to create and rotate.
type AppInfo struct {
	ClientID        string    `json:"clientId"`
	DisplayName     string    `json:"displayName"`
	ClientSecret    string    `json:"clientSecret,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	SecretRotatedAt time.Time `json:"secretRotatedAt"`
}

func userInfo(u *store.User) UserInfo {
	return UserInfo{Username: u.Username, DisplayName: u.DisplayName, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
}

func appInfo(a *store.App, secret string) AppInfo {
	return AppInfo{ClientID: a.ClientID, DisplayName: a.DisplayName, ClientSecret: secret, CreatedAt: a.CreatedAt, SecretRotatedAt: a.SecretRotatedAt}
}

// CreateUserRequest is the body of POST /admin/users.
type CreateUserRequest struct {
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	Password    string `json:"password"`
}

// CreateAppRequest is the body of POST /admin/apps.
type CreateAppRequest struct {
	DisplayName string `json:"displayName"`
}

func (a *Admin) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := a.svc.ListUsers(r.Context())
	if err != nil {
		return err
	}
	out := make([]UserInfo, len(us))
	for i, u := range us {
		out[i] = userInfo(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": out})
	return nil
}

func (a *Admin) createUser(w http.ResponseWriter, r *http.Request) error {
	var req CreateUserRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	u, err := a.svc.CreateUser(r.Context(), req.Username, req.DisplayName, req.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, userInfo(u))
	return nil
}

func (a *Admin) deleteUser(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteUser(r.Context(), r.PathValue("username")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *Admin) listApps(w http.ResponseWriter, r *http.Request) error {
	as, err := a.svc.ListApps(r.Context())
	if err != nil {
		return err
	}
	out := make([]AppInfo, len(as))
	for i, app := range as {
		out[i] = appInfo(app, "")
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": out})
	return nil
}

func (a *Admin) createApp(w http.ResponseWriter, r *http.Request) error {
	var req CreateAppRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	app, secret, err := a.svc.CreateApp(r.Context(), req.DisplayName)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the secret is in the body
	writeJSON(w, http.StatusCreated, appInfo(app, secret))
	return nil
}

func (a *Admin) rotateSecret(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("clientId")
	secret, err := a.svc.RotateSecret(r.Context(), id)
	if err != nil {
		return err
	}
	app, err := a.svc.GetApp(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, appInfo(app, secret))
	return nil
}

func (a *Admin) deleteApp(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteApp(r.Context(), r.PathValue("clientId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// decode reads one JSON object, refusing unknown fields so that typos are not silently ignored.
func decode(r *http.Request, v any) error {
	if r.Body == nil {
		return errs.Invalid("body", "a JSON body is required")
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errs.Invalid("body", "a JSON body is required")
		}
		return errs.Invalid("body", "is not a valid JSON request: %v", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
