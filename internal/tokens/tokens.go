// Package tokens mints, records, verifies and revokes embed tokens: Power
// BI's GenerateToken (V2, several items at once) and the per-report V1 route,
// validated in the order Power BI documents (reference §7): the request's
// shape, then that every item exists, that the caller is at least Member of
// every involved workspace, that every workspace is on an Active capacity,
// and the RLS identity rules. Every minted token is recorded for audit; the
// token itself is never stored or logged.
package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// DefaultMaxLifetime caps every embed token, like the one hour of an Entra token Power BI caps by.
const DefaultMaxLifetime = time.Hour

// Options configures a Service.
type Options struct {
	Store       store.Store
	Authz       *authz.Authorizer
	Keys        *embedtoken.KeyRing
	Revocations *embedtoken.RevocationList
	MaxLifetime time.Duration // default DefaultMaxLifetime
	Logger      *slog.Logger
	Now         func() time.Time
}

// Service is safe for concurrent use.
type Service struct {
	o       Options
	reloads keyReloads
}

// New returns a Service.
func New(o Options) *Service {
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = DefaultMaxLifetime
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{o: o}
}

// EmbedToken is GenerateToken's response.
type EmbedToken struct {
	Token      string `json:"token"`
	TokenID    string `json:"tokenId"`
	Expiration string `json:"expiration"`
}

// Generate validates a GenerateToken V2 request for the caller and mints the token.
func (s *Service) Generate(ctx context.Context, p *auth.Principal, req *embedtoken.Request) (*EmbedToken, error) {
	if p == nil {
		return nil, errs.New(errs.KindUnauthorized, "TokenRequired", "an access token is required")
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	items, err := s.lookup(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, w := range items.workspaces {
		if err := s.o.Authz.RequireRole(ctx, p, w, model.RoleMember); err != nil {
			e, _ := errs.As(err)
			return nil, authz.Denied("generating an embed token needs the Member role or higher in every involved workspace; %s", e.Message)
		}
	}
	for _, w := range items.workspaces {
		if err := s.requireActiveCapacity(ctx, w); err != nil {
			return nil, err
		}
	}
	rls := make([]embedtoken.DatasetRLS, len(items.datasets))
	for i, d := range items.datasets {
		roles := make([]string, len(d.Definition.Roles))
		for j, r := range d.Definition.Roles {
			roles[j] = r.Name
		}
		rls[i] = embedtoken.DatasetRLS{ID: d.ID, IdentityRequired: d.Definition.IsEffectiveIdentityRequired(),
			RolesRequired: d.Definition.IsEffectiveIdentityRolesRequired(), Roles: roles}
	}
	identities, err := embedtoken.CheckIdentities(req.Identities, rls)
	if err != nil {
		return nil, err
	}
	now := s.o.Now()
	exp := embedtoken.Expiration(now, req.LifetimeInMinutes, s.o.MaxLifetime, p.Expiry)
	if !exp.After(now) {
		return nil, errs.New(errs.KindUnauthorized, "TokenExpired", "the caller's access token has expired")
	}
	claims := req.Claims(p.Identifier, identities, now, exp)
	tok, err := s.o.Keys.Sign(claims)
	if err != nil {
		return nil, fmt.Errorf("sign embed token: %w", err)
	}
	signed, err := s.o.Keys.Verify(tok, now)
	if err != nil {
		return nil, fmt.Errorf("verify fresh embed token: %w", err)
	}
	if err := s.record(ctx, p, signed); err != nil {
		return nil, err
	}
	s.o.Logger.Info("embed token generated", "tokenId", signed.TokenID, "caller", p.Identifier,
		"reports", len(signed.Reports), "datasets", len(signed.Datasets), "identities", len(signed.Identities),
		"expiry", signed.Expiry.UTC().Format(time.RFC3339))
	return &EmbedToken{Token: tok, TokenID: signed.TokenID, Expiration: signed.Expiry.UTC().Format(time.RFC3339)}, nil
}

// GenerateForReport serves the per-report V1 route: POST /groups/{g}/reports/{r}/GenerateToken.
func (s *Service) GenerateForReport(ctx context.Context, p *auth.Principal, groupID, reportID string, req *embedtoken.ReportRequestV1) (*EmbedToken, error) {
	gid, ok := model.NormalizeID(groupID)
	if !ok {
		return nil, errs.NotFound("workspace", groupID)
	}
	rid, ok := model.NormalizeID(reportID)
	if !ok {
		return nil, errs.NotFound("report", reportID)
	}
	r, err := s.o.Store.GetReport(ctx, rid)
	if err != nil {
		return nil, err
	}
	if r.WorkspaceID != gid {
		return nil, errs.NotFound("report", reportID)
	}
	v2, err := req.ToV2(gid, rid, r.DatasetID)
	if err != nil {
		return nil, err
	}
	return s.Generate(ctx, p, v2)
}

type involved struct {
	datasets   []*model.Dataset
	workspaces []*model.Workspace // report, dataset and target workspaces, each once
}

// lookup loads every item of the request; unknown ids are 404s naming the field.
func (s *Service) lookup(ctx context.Context, req *embedtoken.Request) (*involved, error) {
	out := &involved{}
	seen := map[string]bool{}
	addWorkspace := func(id string) error {
		if seen[id] {
			return nil
		}
		seen[id] = true
		w, err := s.o.Store.GetWorkspace(ctx, id)
		if err != nil {
			return err
		}
		out.workspaces = append(out.workspaces, w)
		return nil
	}
	for i, r := range req.Reports {
		rep, err := s.o.Store.GetReport(ctx, r.ID)
		if err != nil {
			return nil, named(fmt.Sprintf("reports[%d].id", i), err)
		}
		if err := addWorkspace(rep.WorkspaceID); err != nil {
			return nil, err
		}
	}
	for i, d := range req.Datasets {
		ds, err := s.o.Store.GetDataset(ctx, d.ID)
		if err != nil {
			return nil, named(fmt.Sprintf("datasets[%d].id", i), err)
		}
		out.datasets = append(out.datasets, ds)
		if err := addWorkspace(ds.WorkspaceID); err != nil {
			return nil, err
		}
	}
	for i, w := range req.TargetWorkspaces {
		if err := addWorkspace(w.ID); err != nil {
			return nil, named(fmt.Sprintf("targetWorkspaces[%d].id", i), err)
		}
	}
	return out, nil
}

func named(field string, err error) error {
	if e, ok := errs.As(err); ok && e.Kind == errs.KindNotFound {
		return &errs.Error{Kind: e.Kind, Code: e.Code, Field: field, Message: field + ": " + e.Message, Err: err}
	}
	return err
}

func (s *Service) requireActiveCapacity(ctx context.Context, w *model.Workspace) error {
	if w.CapacityID == "" {
		return errs.New(errs.KindForbidden, "WorkspaceNotOnCapacity",
			"workspace %q is not assigned to a capacity; embed tokens need every involved workspace on an Active capacity", w.Name)
	}
	c, err := s.o.Store.GetCapacity(ctx, w.CapacityID)
	if err != nil {
		return err
	}
	if c.State != model.CapacityActive {
		return errs.New(errs.KindForbidden, "CapacityNotActive", "capacity %q of workspace %q is %s", c.DisplayName, w.Name, c.State)
	}
	return nil
}

// auditClaims is what the audit record keeps of a token's grants.
type auditClaims struct {
	Reports          []embedtoken.ReportGrant  `json:"reports"`
	Datasets         []embedtoken.DatasetGrant `json:"datasets"`
	TargetWorkspaces []string                  `json:"targetWorkspaces"`
	Identities       []embedtoken.Identity     `json:"identities"`
}

func (s *Service) record(ctx context.Context, p *auth.Principal, c *embedtoken.Claims) error {
	raw, err := json.Marshal(auditClaims{Reports: c.Reports, Datasets: c.Datasets, TargetWorkspaces: c.TargetWorkspaces, Identities: c.Identities})
	if err != nil {
		return err
	}
	return s.o.Store.RecordToken(ctx, &store.TokenRecord{TokenID: c.TokenID, Caller: p.Identifier, CallerKind: string(p.Kind),
		IssuedAt: c.IssuedAt, Expiry: c.Expiry, Claims: raw})
}

// Verify checks an embed token's signature, audience, expiry and revocation.
func (s *Service) Verify(token string) (*embedtoken.Claims, error) {
	c, err := s.o.Keys.Verify(token, s.o.Now())
	if err != nil && errors.Is(err, embedtoken.ErrInvalidToken) && s.reloads.due(s.o.Now()) {
		// Perhaps another node rotated the key: look once at the shared key set.
		if rerr := s.ReloadKeys(context.Background()); rerr == nil {
			c, err = s.o.Keys.Verify(token, s.o.Now())
		}
	}
	if err != nil {
		return nil, err
	}
	if s.o.Revocations != nil && s.o.Revocations.IsRevoked(c.TokenID) {
		return nil, errs.New(errs.KindForbidden, "TokenRevoked", "the embed token has been revoked")
	}
	return c, nil
}
