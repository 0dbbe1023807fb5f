// Package binding makes the one decision at the heart of Bindery: may this
// caller load report R bound to dataset D? D is the embed config's
// datasetBinding, or else R's own dataset. The embed page's data endpoints ask
// it on every request; nothing the browser says is trusted.
//
// With an embed token (tokenType Embed): R must be in the token's reports and D
// in its datasets; the token must not be expired or revoked; both workspaces
// must be on an Active capacity. With a principal's own access token
// (tokenType Aad): the principal needs Read on R and Read on D. In both cases D
// must satisfy R's schema, and the RLS identity comes from the token (embed) or
// from the dataset's role members (user), never from the request.
package binding

import (
	"context"
	"time"

	"github.com/bindery-dev/bindery/internal/auth"
	"github.com/bindery-dev/bindery/internal/authz"
	"github.com/bindery-dev/bindery/internal/embedtoken"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/query"
)

// Lookup reads the items a decision needs; internal/store satisfies it.
type Lookup interface {
	GetReport(ctx context.Context, id string) (*model.Report, error)
	GetDataset(ctx context.Context, id string) (*model.Dataset, error)
	GetWorkspace(ctx context.Context, id string) (*model.Workspace, error)
	GetCapacity(ctx context.Context, id string) (*model.Capacity, error)
}

// Caller is who asks: exactly one of Embed and User is set.
type Caller struct {
	Embed *embedtoken.Claims // a verified embed token
	User  *auth.Principal    // a principal authenticated by its own access token
}

// Decision is a granted binding.
type Decision struct {
	Report           *model.Report
	Dataset          *model.Dataset
	ReportWorkspace  *model.Workspace
	DatasetWorkspace *model.Workspace
	Capacity         *model.Capacity // the dataset's capacity, which runs the queries (nil when none)
	Identity         *query.Identity // the RLS identity to apply (nil when the dataset has no RLS)
	AllowEdit        bool
	AllowExport      bool
	TokenExpiry      time.Time // the embed token's expiry (zero for a principal's own token)
}

// Options configures a Binder.
type Options struct {
	Lookup      Lookup
	Authz       *authz.Authorizer
	Revocations embedtoken.Revocations // nil: nothing is revoked
	Now         func() time.Time
}

// Binder decides bindings. It is safe for concurrent use.
type Binder struct{ o Options }

// New returns a Binder.
func New(o Options) *Binder {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Binder{o: o}
}

// Stable denial codes.
const (
	CodeInvalidToken            = "InvalidToken"
	CodeTokenExpired            = "TokenExpired"
	CodeTokenRevoked            = "TokenRevoked"
	CodeReportNotInToken        = "ReportNotInToken"
	CodeDatasetNotInToken       = "DatasetNotInToken"
	CodeCapacityNotActive       = "CapacityNotActive"
	CodeWorkspaceNotOnCapacity  = "WorkspaceNotOnCapacity"
	CodeInsufficientPermissions = "InsufficientPermissions"
	CodeIncompatibleDataset     = "IncompatibleDataset"
	CodeIdentityRequired        = "EffectiveIdentityRequired"
)

func deny(code, format string, args ...any) *errs.Error {
	return errs.New(errs.KindForbidden, code, format, args...)
}

// Authorize decides whether caller may load reportID bound to datasetID ("" = the report's own dataset).
func (b *Binder) Authorize(ctx context.Context, c Caller, reportID, datasetID string) (*Decision, error) {
	switch {
	case c.Embed != nil && c.User != nil, c.Embed == nil && c.User == nil:
		return nil, errs.New(errs.KindUnauthorized, CodeInvalidToken, "an embed token or an access token is required")
	case c.Embed != nil:
		// Check the token before looking anything up, so an outsider learns nothing about ids.
		if err := b.checkToken(c.Embed); err != nil {
			return nil, err
		}
		rid, ok := model.NormalizeID(reportID)
		if _, listed := c.Embed.Report(rid); !ok || !listed {
			return nil, deny(CodeReportNotInToken, "report %s is not in the embed token", reportID)
		}
	}
	d, err := b.load(ctx, reportID, datasetID)
	if err != nil {
		return nil, err
	}
	if c.Embed != nil {
		err = b.embedRules(ctx, c.Embed, d)
	} else {
		err = b.userRules(ctx, c.User, d)
	}
	if err != nil {
		return nil, err
	}
	if ms := model.Compatibility(&d.Report.Definition, &d.Dataset.Definition); len(ms) > 0 {
		e := errs.New(errs.KindInvalid, CodeIncompatibleDataset, "dataset %q does not provide what report %q uses: %s",
			d.Dataset.Name, d.Report.Name, ms[0].Message)
		e.Field = "datasetBinding.datasetId"
		for _, m := range ms {
			e.Details = append(e.Details, errs.Detail{Code: m.Code, Message: m.Message, Target: m.Field})
		}
		return nil, e
	}
	return d, nil
}

func (b *Binder) checkToken(t *embedtoken.Claims) error {
	if !b.o.Now().Before(t.Expiry) {
		return errs.New(errs.KindForbidden, CodeTokenExpired, "the embed token has expired; renew it with setAccessToken")
	}
	if b.o.Revocations != nil && b.o.Revocations.IsRevoked(t.TokenID) {
		return errs.New(errs.KindForbidden, CodeTokenRevoked, "the embed token has been revoked")
	}
	return nil
}

// load fetches the report, the bound dataset and their workspaces; unknown ids are 404s.
func (b *Binder) load(ctx context.Context, reportID, datasetID string) (*Decision, error) {
	rid, ok := model.NormalizeID(reportID)
	if !ok {
		return nil, errs.NotFound("report", reportID)
	}
	r, err := b.o.Lookup.GetReport(ctx, rid)
	if err != nil {
		return nil, err
	}
	if datasetID == "" {
		datasetID = r.DatasetID
	}
	did, ok := model.NormalizeID(datasetID)
	if !ok {
		return nil, errs.NotFound("dataset", datasetID)
	}
	d := &Decision{Report: r}
	if d.Dataset, err = b.o.Lookup.GetDataset(ctx, did); err != nil {
		return nil, err
	}
	if d.ReportWorkspace, err = b.o.Lookup.GetWorkspace(ctx, r.WorkspaceID); err != nil {
		return nil, err
	}
	if d.DatasetWorkspace, err = b.o.Lookup.GetWorkspace(ctx, d.Dataset.WorkspaceID); err != nil {
		return nil, err
	}
	return d, nil
}

func (b *Binder) embedRules(ctx context.Context, t *embedtoken.Claims, d *Decision) error {
	if !t.HasDataset(d.Dataset.ID) {
		return deny(CodeDatasetNotInToken, "dataset %s is not in the embed token; list it in the GenerateToken request's datasets", d.Dataset.ID)
	}
	for _, w := range []*model.Workspace{d.ReportWorkspace, d.DatasetWorkspace} {
		c, err := b.activeCapacity(ctx, w, true)
		if err != nil {
			return err
		}
		if w == d.DatasetWorkspace {
			d.Capacity = c
		}
	}
	g, _ := t.Report(d.Report.ID)
	d.AllowEdit = g.AllowEdit
	d.TokenExpiry = t.Expiry
	d.AllowExport = true
	if !d.Dataset.Definition.IsEffectiveIdentityRequired() {
		return nil
	}
	id, ok := t.IdentityFor(d.Dataset.ID)
	if !ok {
		return deny(CodeIdentityRequired, "dataset %q has row-level security and the embed token carries no identity for it", d.Dataset.Name)
	}
	d.Identity = &query.Identity{Username: id.Username, Roles: id.Roles, CustomData: id.CustomData}
	return nil
}

func (b *Binder) userRules(ctx context.Context, p *auth.Principal, d *Decision) error {
	rp, err := b.o.Authz.Report(ctx, p, d.Report)
	if err != nil {
		return err
	}
	if !rp.Read {
		return deny(CodeInsufficientPermissions, "you do not have Read permission on report %q", d.Report.Name)
	}
	dp, err := b.o.Authz.Dataset(ctx, p, d.Dataset)
	if err != nil {
		return err
	}
	if !dp.Read {
		return deny(CodeInsufficientPermissions, "you do not have Read permission on dataset %q", d.Dataset.Name)
	}
	// Users need no capacity, but a workspace on a suspended one serves nothing.
	for _, w := range []*model.Workspace{d.ReportWorkspace, d.DatasetWorkspace} {
		c, err := b.activeCapacity(ctx, w, false)
		if err != nil {
			return err
		}
		if w == d.DatasetWorkspace {
			d.Capacity = c
		}
	}
	d.AllowEdit = rp.Write
	d.AllowExport = true
	if d.Dataset.Definition.IsEffectiveIdentityRequired() {
		// As in Power BI, RLS does not restrict those who may write the dataset.
		d.Identity = &query.Identity{Username: p.Identifier, Roles: d.Dataset.Definition.RolesOf(p.Identifier), Unrestricted: dp.Write}
	}
	return nil
}

// activeCapacity returns the workspace's capacity, which must be Active; required says whether it must have one.
func (b *Binder) activeCapacity(ctx context.Context, w *model.Workspace, required bool) (*model.Capacity, error) {
	if w.CapacityID == "" {
		if required {
			return nil, deny(CodeWorkspaceNotOnCapacity, "workspace %q is not assigned to a capacity; embed tokens need one", w.Name)
		}
		return nil, nil
	}
	c, err := b.o.Lookup.GetCapacity(ctx, w.CapacityID)
	if err != nil {
		return nil, err
	}
	if c.State != model.CapacityActive {
		return nil, deny(CodeCapacityNotActive, "the capacity of workspace %q is %s", w.Name, c.State)
	}
	return c, nil
}
