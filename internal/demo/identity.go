package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bindery-dev/bindery/internal/auth/principals"
	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
	"github.com/bindery-dev/bindery/internal/store"
)

// AppInfo is the demo's service principal, for the "embed for your customers" sample.
type AppInfo struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	DisplayName  string `json:"displayName"`
}

// UserInfo is a demo user, for the "embed for your organization" sample.
type UserInfo struct {
	Username    string   `json:"username"`
	Password    string   `json:"password"`
	DisplayName string   `json:"displayName"`
	Description string   `json:"description"`
	Datasets    []string `json:"datasets"` // ids of the datasets the user may read
}

// Demo principals' names.
const (
	AppName     = "Retail Portal (demo app)"
	AnalystUser = "analyst@tailspin.example"
	ManagerUser = "west.manager@northwind.example"
	// AdminUser signs in to the portal as a server administrator; `serve --demo` makes it one.
	AdminUser = "admin@bindery.local"
)

// seedIdentity creates the demo app (Admin of both workspaces) and two users:
// one who may read a single retailer's dataset, and a regional manager under RLS.
// Secrets written to an earlier demo.json are kept, so reruns change nothing.
func seedIdentity(ctx context.Context, cat *catalog.Service, ps *principals.Service, info *Info, dataDir string) error {
	prev := readInfo(filepath.Join(dataDir, "demo.json"))
	app, err := ensureApp(ctx, ps, prev)
	if err != nil {
		return err
	}
	info.App = app
	for _, ws := range []string{info.Workspaces.SalesReports, info.Workspaces.Retailers} {
		if err := cat.PutMember(ctx, ws, &model.Member{Identifier: app.ClientID, DisplayName: app.DisplayName,
			PrincipalType: model.PrincipalApp, Role: model.RoleAdmin}); err != nil {
			return fmt.Errorf("demo app membership: %w", err)
		}
	}
	pw, err := ensureUser(ctx, ps, AdminUser, "Demo Administrator", prev)
	if err != nil {
		return err
	}
	info.Users = append(info.Users, UserInfo{Username: AdminUser, Password: pw, DisplayName: "Demo Administrator",
		Description: "server administrator: signs in to the portal and sees everything", Datasets: []string{}})
	byName := map[string]DatasetInfo{}
	for _, d := range info.Datasets {
		byName[d.Name] = d
	}
	users := []struct {
		name, display, desc, dataset string
	}{
		{AnalystUser, "Tina Analyst (Tailspin Toys)", "may read one retailer's dataset: Tailspin Toys", "Tailspin Toys"},
		{ManagerUser, "Wes Manager (Northwind, West)", "regional manager: reads Northwind Grocers under RLS role Regional Manager (West stores only)", "Northwind Grocers"},
	}
	for _, u := range users {
		pw, err := ensureUser(ctx, ps, u.name, u.display, prev)
		if err != nil {
			return err
		}
		if err := cat.PutMember(ctx, info.Workspaces.SalesReports, &model.Member{Identifier: u.name, DisplayName: u.display,
			PrincipalType: model.PrincipalUser, Role: model.RoleViewer}); err != nil {
			return fmt.Errorf("demo user membership: %w", err)
		}
		d := byName[u.dataset]
		if err := cat.PutDatasetGrant(ctx, info.Workspaces.Retailers, d.ID, &store.DatasetGrant{Identifier: u.name,
			PrincipalType: model.PrincipalUser, Permission: model.DatasetPermission{Read: true}}); err != nil {
			return fmt.Errorf("demo user dataset permission: %w", err)
		}
		info.Users = append(info.Users, UserInfo{Username: u.name, Password: pw, DisplayName: u.display, Description: u.desc, Datasets: []string{d.ID}})
	}
	return nil
}

func ensureApp(ctx context.Context, ps *principals.Service, prev *Info) (*AppInfo, error) {
	apps, err := ps.ListApps(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if a.DisplayName != AppName {
			continue
		}
		if prev != nil && prev.App != nil && prev.App.ClientID == a.ClientID && prev.App.ClientSecret != "" {
			if _, err := ps.CheckSecret(ctx, a.ClientID, prev.App.ClientSecret); err == nil {
				return prev.App, nil
			}
		}
		secret, err := ps.RotateSecret(ctx, a.ClientID)
		if err != nil {
			return nil, err
		}
		return &AppInfo{ClientID: a.ClientID, ClientSecret: secret, DisplayName: AppName}, nil
	}
	a, secret, err := ps.CreateApp(ctx, AppName)
	if err != nil {
		return nil, fmt.Errorf("demo app: %w", err)
	}
	return &AppInfo{ClientID: a.ClientID, ClientSecret: secret, DisplayName: AppName}, nil
}

// ensureUser keeps a user whose password demo.json still knows, and recreates it otherwise.
func ensureUser(ctx context.Context, ps *principals.Service, name, display string, prev *Info) (string, error) {
	if _, err := ps.GetUser(ctx, name); err == nil {
		if prev != nil {
			for _, u := range prev.Users {
				if u.Username == name {
					if _, err := ps.CheckPassword(ctx, name, u.Password); err == nil {
						return u.Password, nil
					}
				}
			}
		}
		if err := ps.DeleteUser(ctx, name); err != nil {
			return "", err
		}
	} else if errs.KindOf(err) != errs.KindNotFound {
		return "", err
	}
	pw := randomPassword()
	if _, err := ps.CreateUser(ctx, name, display, pw); err != nil {
		return "", fmt.Errorf("demo user %s: %w", name, err)
	}
	return pw, nil
}

func randomPassword() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "demo-" + base64.RawURLEncoding.EncodeToString(b[:])
}

func readInfo(path string) *Info {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var i Info
	if json.Unmarshal(raw, &i) != nil {
		return nil
	}
	return &i
}
