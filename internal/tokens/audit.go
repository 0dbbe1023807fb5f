package tokens

import (
	"context"
	"encoding/json"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/store"
)

// Record is an audit record as the API shows it.
type Record struct {
	TokenID          string                    `json:"tokenId"`
	Caller           string                    `json:"caller"`
	CallerKind       string                    `json:"callerKind"`
	IssuedAt         string                    `json:"issuedAt"`
	Expiration       string                    `json:"expiration"`
	Revoked          bool                      `json:"revoked"`
	RevokedAt        string                    `json:"revokedAt,omitempty"`
	RevokedBy        string                    `json:"revokedBy,omitempty"`
	Reports          []embedtoken.ReportGrant  `json:"reports"`
	Datasets         []embedtoken.DatasetGrant `json:"datasets"`
	TargetWorkspaces []string                  `json:"targetWorkspaces"`
	Identities       []embedtoken.Identity     `json:"identities"`
}

func toRecord(r *store.TokenRecord) Record {
	var c auditClaims
	_ = json.Unmarshal(r.Claims, &c) // written by record; a bad row shows empty grants rather than failing the list
	// Empty lists serialize as [], not null: clients iterate them without a check.
	out := Record{TokenID: r.TokenID, Caller: r.Caller, CallerKind: r.CallerKind,
		IssuedAt: r.IssuedAt.UTC().Format(time.RFC3339), Expiration: r.Expiry.UTC().Format(time.RFC3339),
		Reports: nonNil(c.Reports), Datasets: nonNil(c.Datasets), TargetWorkspaces: nonNil(c.TargetWorkspaces),
		Identities: nonNil(c.Identities)}
	if !r.RevokedAt.IsZero() {
		out.Revoked, out.RevokedAt, out.RevokedBy = true, r.RevokedAt.UTC().Format(time.RFC3339), r.RevokedBy
	}
	return out
}

// nonNil returns s, or an empty slice when s is nil.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// List returns audit records: every caller's for the admin, a principal's own otherwise.
func (s *Service) List(ctx context.Context, p *auth.Principal, caller string, limit int) ([]Record, error) {
	if !p.IsAdmin() {
		if caller != "" && caller != p.Identifier {
			return nil, authz.Denied("only administrators may list other callers' tokens")
		}
		caller = p.Identifier
	}
	rs, err := s.o.Store.ListTokens(ctx, store.TokenFilter{Caller: caller, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]Record, len(rs))
	for i, r := range rs {
		out[i] = toRecord(r)
	}
	return out, nil
}

// Get returns one audit record, to the admin or the token's caller.
func (s *Service) Get(ctx context.Context, p *auth.Principal, tokenID string) (Record, error) {
	r, err := s.o.Store.GetToken(ctx, tokenID)
	if err != nil {
		return Record{}, err
	}
	if !p.IsAdmin() && r.Caller != p.Identifier {
		return Record{}, authz.Denied("only administrators and the token's caller may see it")
	}
	return toRecord(r), nil
}

// Revoke revokes a token now, on this node at once and on others at their next refresh.
func (s *Service) Revoke(ctx context.Context, p *auth.Principal, tokenID string) (Record, error) {
	r, err := s.o.Store.GetToken(ctx, tokenID)
	if err != nil {
		return Record{}, err
	}
	if !p.IsAdmin() && r.Caller != p.Identifier {
		return Record{}, authz.Denied("only administrators and the token's caller may revoke it")
	}
	if err := s.o.Store.RevokeToken(ctx, r.TokenID, p.Identifier, s.o.Now()); err != nil {
		return Record{}, err
	}
	if s.o.Revocations != nil {
		s.o.Revocations.Revoke(embedtoken.Revocation{TokenID: r.TokenID, Expiry: r.Expiry})
	}
	s.o.Logger.Info("embed token revoked", "tokenId", r.TokenID, "by", p.Identifier)
	return s.Get(ctx, p, tokenID)
}

// RevocationLoader reads the shared store's revocations, for embedtoken.NewRevocationList.
func RevocationLoader(st store.Tokens, now func() time.Time) embedtoken.RevocationLoader {
	return func(ctx context.Context) ([]embedtoken.Revocation, error) {
		revoked, err := st.ListRevoked(ctx, now())
		if err != nil {
			return nil, err
		}
		out := make([]embedtoken.Revocation, len(revoked))
		for i, r := range revoked {
			out[i] = embedtoken.Revocation{TokenID: r.TokenID, Expiry: r.Expiry}
		}
		return out, nil
	}
}
