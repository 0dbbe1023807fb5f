// Package demo seeds the example of Bindery's design document — one "Retail
// Sales" report, several retailer datasets of one schema, an Active capacity —
// idempotently, and writes demo.json with everything a script needs.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/model"
)

// Options configures Seed.
type Options struct {
	DataDir   string
	PublicURL string
	AdminKey  string
	Logger    *slog.Logger
	// Scale multiplies every retailer's row count; tests use a small one. 0 means 1.
	Scale float64
	// Principals creates the demo app and users; TokenURL is the issuer's token endpoint.
	Principals *principals.Service
	TokenURL   string
}

// Info is what demo.json holds.
type Info struct {
	BaseURL        string        `json:"baseUrl"`
	AdminKey       string        `json:"adminKey"`
	OpenAPIURL     string        `json:"openApiUrl"`
	CapacityID     string        `json:"capacityId"`
	Workspaces     WorkspaceIDs  `json:"workspaces"`
	Report         ReportInfo    `json:"report"`
	Datasets       []DatasetInfo `json:"datasets"`
	TokenURL       string        `json:"tokenUrl"`
	App            *AppInfo      `json:"app"`
	Users          []UserInfo    `json:"users"`
	ReportEmbedURL string        `json:"-"`
}

// WorkspaceIDs names the two demo workspaces.
type WorkspaceIDs struct {
	SalesReports string `json:"salesReports"`
	Retailers    string `json:"retailers"`
}

// ReportInfo describes the demo report.
type ReportInfo struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	WorkspaceID string `json:"workspaceId"`
	DatasetID   string `json:"datasetId"`
	EmbedURL    string `json:"embedUrl"`
}

// DatasetInfo describes one demo dataset.
type DatasetInfo struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	WorkspaceID string `json:"workspaceId"`
	Rows        int64  `json:"salesRows"`
	RLS         bool   `json:"rls"`
	Compatible  bool   `json:"compatibleWithReport"`
}

// Retailers are the demo datasets, from 10 thousand to 1 million fact rows.
var Retailers = []retailer{
	{Name: "Contoso Electronics", Rows: 1_000_000, Seed: 11, Stores: 40, Products: 200, Customers: 50_000, MaxPrice: 900,
		Categories: []string{"Computers", "Phones", "Audio", "Cameras", "TV & Video"}, Domain: "contoso.example"},
	{Name: "Fabrikam Fashion", Rows: 200_000, Seed: 23, Stores: 25, Products: 150, Customers: 20_000, MaxPrice: 250,
		Categories: []string{"Apparel", "Shoes", "Accessories", "Outdoor"}, Domain: "fabrikam.example"},
	{Name: "Northwind Grocers", Rows: 50_000, Seed: 37, Stores: 14, Products: 120, Customers: 8_000, MaxPrice: 40,
		Categories: []string{"Produce", "Dairy", "Bakery", "Beverages", "Pantry"}, Domain: "northwind.example", RLS: true},
	{Name: "Tailspin Toys", Rows: 10_000, Seed: 41, Stores: 8, Products: 60, Customers: 2_000, MaxPrice: 120,
		Categories: []string{"Toys", "Games", "Puzzles", "Books"}, Domain: "tailspin.example"},
	{Name: "Legacy Retail (old schema)", Rows: 10_000, Seed: 53, Stores: 6, Products: 40, Customers: 1_000, MaxPrice: 60,
		Categories: []string{"General"}, Domain: "legacy.example", Legacy: true},
}

// Names of the demo's items.
const (
	CapacityName       = "Demo Capacity"
	SalesWorkspaceName = "Sales Reports"
	RetailWorkspace    = "Retailers"
	ReportName         = "Retail Sales"
)

// Seed creates whatever part of the demo is missing and returns its ids; running it again changes nothing.
func Seed(ctx context.Context, cat *catalog.Service, o Options) (*Info, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	ctx = catalog.AsAdmin(ctx)
	cap, err := ensureCapacity(ctx, cat)
	if err != nil {
		return nil, err
	}
	sales, err := ensureWorkspace(ctx, cat, SalesWorkspaceName, "The published report", cap.ID)
	if err != nil {
		return nil, err
	}
	retail, err := ensureWorkspace(ctx, cat, RetailWorkspace, "One dataset per retailer, all of one schema", cap.ID)
	if err != nil {
		return nil, err
	}
	info := &Info{BaseURL: o.PublicURL, AdminKey: o.AdminKey, OpenAPIURL: o.PublicURL + "/openapi.json", CapacityID: cap.ID,
		Workspaces: WorkspaceIDs{SalesReports: sales.ID, Retailers: retail.ID}}
	for _, r := range Retailers {
		if o.Scale != 1 {
			r.Rows = max(100, int(float64(r.Rows)*o.Scale))
		}
		d, rows, err := ensureDataset(ctx, cat, retail.ID, r, o)
		if err != nil {
			return nil, err
		}
		info.Datasets = append(info.Datasets, DatasetInfo{ID: d.ID, Name: d.Name, WorkspaceID: retail.ID, Rows: rows, RLS: r.RLS, Compatible: !r.Legacy})
	}
	rep, err := ensureReport(ctx, cat, sales.ID, info.Datasets[0].ID)
	if err != nil {
		return nil, err
	}
	info.Report = ReportInfo{ID: rep.ID, Name: rep.Name, WorkspaceID: sales.ID, DatasetID: rep.DatasetID,
		EmbedURL: o.PublicURL + "/reportEmbed?reportId=" + rep.ID + "&groupId=" + sales.ID}
	info.ReportEmbedURL = info.Report.EmbedURL
	info.TokenURL = o.TokenURL
	if o.Principals != nil {
		if err := seedIdentity(ctx, cat, o.Principals, info, o.DataDir); err != nil {
			return nil, err
		}
	}
	if err := writeInfo(filepath.Join(o.DataDir, "demo.json"), info); err != nil {
		return nil, err
	}
	o.Logger.Info("demo ready", "report", rep.ID, "datasets", len(info.Datasets))
	return info, nil
}

func ensureCapacity(ctx context.Context, cat *catalog.Service) (*model.Capacity, error) {
	cs, err := cat.ListCapacities(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.DisplayName == CapacityName {
			return c, nil
		}
	}
	c := &model.Capacity{DisplayName: CapacityName, SKU: "A1", Region: "Local", Admins: []string{"admin"}}
	return c, cat.CreateCapacity(ctx, c)
}

func ensureWorkspace(ctx context.Context, cat *catalog.Service, name, desc, capacityID string) (*model.Workspace, error) {
	ws, err := cat.ListWorkspaces(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		if w.Name == name {
			return w, nil
		}
	}
	w := &model.Workspace{Name: name, Description: desc, CapacityID: capacityID}
	return w, cat.CreateWorkspace(ctx, w)
}

func ensureDataset(ctx context.Context, cat *catalog.Service, wsID string, r retailer, o Options) (*model.Dataset, int64, error) {
	ds, err := cat.ListDatasets(ctx, wsID)
	if err != nil {
		return nil, 0, err
	}
	var d *model.Dataset
	for _, x := range ds {
		if x.Name == r.Name {
			d = x
		}
	}
	if d == nil {
		if d, err = cat.CreateDataset(ctx, wsID, retailModel(r.Name, r.RLS, r.Legacy), "admin"); err != nil {
			return nil, 0, fmt.Errorf("dataset %s: %w", r.Name, err)
		}
	}
	counts, err := cat.RowCounts(ctx, d)
	if err != nil {
		return nil, 0, err
	}
	if counts["Sales"] > 0 {
		return d, counts["Sales"], nil
	}
	// Empty (new, or an earlier seed stopped midway): generate and load every table.
	dir := filepath.Join(o.DataDir, "uploads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, 0, err
	}
	o.Logger.Info("generating demo data", "dataset", r.Name, "rows", r.Rows)
	files, err := r.generate(ctx, dir)
	if err != nil {
		return nil, 0, err
	}
	defer removeAll(files)
	// Sales goes last: a non-empty Sales table is what marks a dataset as fully loaded.
	for _, table := range []string{"Product", "Store", "Date", "Sales"} {
		if _, err := cat.Import(ctx, wsID, d.ID, table, files[table], engine.ImportOptions{Format: engine.FormatParquet, Mode: engine.ModeReplace}); err != nil {
			return nil, 0, fmt.Errorf("load %s.%s: %w", r.Name, table, err)
		}
	}
	return d, int64(r.Rows), nil
}

func ensureReport(ctx context.Context, cat *catalog.Service, wsID, datasetID string) (*model.Report, error) {
	rs, err := cat.ListReports(ctx, wsID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Name == ReportName {
			return r, nil
		}
	}
	return cat.CreateReport(ctx, wsID, retailReport(datasetID))
}

func writeInfo(path string, info *Info) error {
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("write demo.json: %w", err)
	}
	return os.Rename(tmp, path)
}
