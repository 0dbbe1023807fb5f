package embedtoken

import (
	"encoding/json"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
)

// Claim names on the wire. Registered JWT claims keep their RFC 7519 names; the
// grants use the GenerateToken field names so a decoded token reads like the
// request that produced it.
const (
	ClaimTokenID          = "jti"
	ClaimIssuer           = "iss"
	ClaimAudience         = "aud"
	ClaimIssuedAt         = "iat"
	ClaimNotBefore        = "nbf"
	ClaimExpiry           = "exp"
	ClaimCaller           = "caller"
	ClaimReports          = "reports"
	ClaimDatasets         = "datasets"
	ClaimTargetWorkspaces = "targetWorkspaces"
	ClaimIdentities       = "identities"
)

// TokenType is the JOSE "typ" header of every embed token. Verify insists on it,
// so a token of another kind signed with the same key (an access token, say)
// can never pass as an embed token (RFC 8725 §3.11, explicit typing).
const TokenType = "embed+jwt"

// Claims is what an embed token grants. Times have one-second resolution on the wire.
type Claims struct {
	TokenID          string         // GUID; correlates audit records with the GenerateToken call
	Issuer           string         // set by the KeyRing on Sign
	Audience         string         // set by the KeyRing on Sign
	IssuedAt         time.Time      // also the not-before time
	Expiry           time.Time      // after this (plus leeway) the token is refused
	Caller           string         // the principal that minted the token
	Reports          []ReportGrant  // reports the token may load
	Datasets         []DatasetGrant // datasets the token may query (and bind)
	TargetWorkspaces []string       // workspace ids the token may save new reports to
	Identities       []Identity     // RLS identities; at most one per dataset
}

// ReportGrant is one report in the token.
type ReportGrant struct {
	ID        string `json:"id"`
	AllowEdit bool   `json:"allowEdit,omitempty"`
}

// DatasetGrant is one dataset in the token.
type DatasetGrant struct {
	ID              string `json:"id"`
	XmlaPermissions string `json:"xmlaPermissions,omitempty"`
}

// Identity is an effective identity applied to the datasets (or paginated
// reports) it names: USERNAME() returns Username, CUSTOMDATA() CustomData, and
// the rows visible are the union of what Roles grant.
type Identity struct {
	Username   string   `json:"username"`
	Roles      []string `json:"roles,omitempty"`
	Datasets   []string `json:"datasets,omitempty"`
	Reports    []string `json:"reports,omitempty"`
	CustomData string   `json:"customData,omitempty"`
}

// Report returns the grant for report id, if the token lists it.
func (c *Claims) Report(id string) (ReportGrant, bool) {
	for _, r := range c.Reports {
		if r.ID == id {
			return r, true
		}
	}
	return ReportGrant{}, false
}

// HasDataset reports whether the token lists dataset id.
func (c *Claims) HasDataset(id string) bool {
	for _, d := range c.Datasets {
		if d.ID == id {
			return true
		}
	}
	return false
}

// HasTargetWorkspace reports whether the token may save reports to workspace id.
func (c *Claims) HasTargetWorkspace(id string) bool {
	for _, w := range c.TargetWorkspaces {
		if w == id {
			return true
		}
	}
	return false
}

// IdentityFor returns the RLS identity that applies to dataset id, if any.
func (c *Claims) IdentityFor(datasetID string) (Identity, bool) {
	for _, idn := range c.Identities {
		for _, d := range idn.Datasets {
			if d == datasetID {
				return idn, true
			}
		}
	}
	return Identity{}, false
}

// wireClaims is the JSON form; its tags must match the Claim* constants
// (a test checks this).
type wireClaims struct {
	TokenID          string           `json:"jti"`
	Issuer           string           `json:"iss"`
	Audience         jwt.Audience     `json:"aud"`
	IssuedAt         *jwt.NumericDate `json:"iat"`
	NotBefore        *jwt.NumericDate `json:"nbf"`
	Expiry           *jwt.NumericDate `json:"exp"`
	Caller           string           `json:"caller"`
	Reports          []ReportGrant    `json:"reports,omitempty"`
	Datasets         []DatasetGrant   `json:"datasets,omitempty"`
	TargetWorkspaces []string         `json:"targetWorkspaces,omitempty"`
	Identities       []Identity       `json:"identities,omitempty"`
}

func (c *Claims) wire() wireClaims {
	return wireClaims{
		TokenID:          c.TokenID,
		Issuer:           c.Issuer,
		Audience:         jwt.Audience{c.Audience},
		IssuedAt:         jwt.NewNumericDate(c.IssuedAt),
		NotBefore:        jwt.NewNumericDate(c.IssuedAt),
		Expiry:           jwt.NewNumericDate(c.Expiry),
		Caller:           c.Caller,
		Reports:          c.Reports,
		Datasets:         c.Datasets,
		TargetWorkspaces: c.TargetWorkspaces,
		Identities:       c.Identities,
	}
}

func (w *wireClaims) claims() *Claims {
	c := &Claims{
		TokenID:          w.TokenID,
		Issuer:           w.Issuer,
		Caller:           w.Caller,
		Reports:          w.Reports,
		Datasets:         w.Datasets,
		TargetWorkspaces: w.TargetWorkspaces,
		Identities:       w.Identities,
	}
	if len(w.Audience) > 0 {
		c.Audience = w.Audience[0]
	}
	if w.IssuedAt != nil {
		c.IssuedAt = w.IssuedAt.Time().UTC()
	}
	if w.Expiry != nil {
		c.Expiry = w.Expiry.Time().UTC()
	}
	return c
}

// registered returns the registered claims for go-jose's validator.
func (w *wireClaims) registered() jwt.Claims {
	return jwt.Claims{
		ID: w.TokenID, Issuer: w.Issuer, Audience: w.Audience,
		IssuedAt: w.IssuedAt, NotBefore: w.NotBefore, Expiry: w.Expiry,
	}
}

// MarshalJSON writes the claims as the token payload would carry them, for
// audit records and debugging.
func (c Claims) MarshalJSON() ([]byte, error) { return json.Marshal(c.wire()) }

// UnmarshalJSON reads what MarshalJSON wrote.
func (c *Claims) UnmarshalJSON(b []byte) error {
	var w wireClaims
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = *w.claims()
	return nil
}
