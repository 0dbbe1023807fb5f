package samples

import (
	"net/http"
)

// organizationPage serves the organization sample's page, for its start and for its
// OAuth redirect URI (/samples/organization/callback): the page's script finishes the sign-in.
func (h *Handler) organizationPage(w http.ResponseWriter, _ *http.Request) {
	h.render(w, http.StatusOK, "organization", struct{ Title string }{"Contoso Analytics — embed for your organization (sample)"})
}

// orgConfig is the organization sample's settings, like an MSAL app's configuration:
// where to sign in, as which public client, and which report to show. The datasets
// it offers come from Bindery, asked with the user's own token.
type orgConfig struct {
	Authority    string    `json:"authority"`
	ClientID     string    `json:"clientId"`
	RedirectPath string    `json:"redirectPath"`
	Scope        string    `json:"scope"`
	Report       orgReport `json:"report"`
}

// orgReport names the report and its workspace.
type orgReport struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspaceId"`
}

func (h *Handler) organizationConfig(w http.ResponseWriter, _ *http.Request) {
	cfg, err := h.config.get()
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, orgConfig{
		Authority: h.o.BaseURL, ClientID: OrgClientID, RedirectPath: "/samples/organization/callback",
		Scope:  "openid profile offline_access",
		Report: orgReport{ID: cfg.Report.ID, WorkspaceID: cfg.Report.WorkspaceID},
	})
}
