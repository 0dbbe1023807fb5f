// Package client is a small Go client for Bindery's REST API, used by the
// bindery command's admin subcommands and by tests.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client calls one Bindery server with one bearer token.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// APIError is an error response in Power BI's shape.
type APIError struct {
	Status  int
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target"`
	Details []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Target  string `json:"target"`
	} `json:"details"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (HTTP %d): %s", e.Code, e.Status, e.Message)
	for _, d := range e.Details {
		fmt.Fprintf(&b, "\n  - %s: %s", d.Code, d.Message)
	}
	return b.String()
}

// Do sends a JSON request (body may be nil, an io.Reader or a value to encode) and decodes the reply into out.
func (c *Client) Do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case io.Reader:
		rd, ct = b, "application/octet-stream"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	return c.send(ctx, method, path, rd, ct, -1, out)
}

// Upload streams a file body of known size.
func (c *Client) Upload(ctx context.Context, path string, body io.Reader, size int64, contentType string, out any) error {
	return c.send(ctx, http.MethodPost, path, body, contentType, size, out)
}

func (c *Client) send(ctx context.Context, method, path string, body io.Reader, ct string, size int64, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	if size >= 0 {
		req.ContentLength = size
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach Bindery at %s: %w", c.BaseURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode >= 300 {
		var eb struct {
			Error APIError `json:"error"`
		}
		if json.Unmarshal(raw, &eb) != nil || eb.Error.Code == "" {
			return &APIError{Status: resp.StatusCode, Code: http.StatusText(resp.StatusCode), Message: strings.TrimSpace(string(raw))}
		}
		eb.Error.Status = resp.StatusCode
		return &eb.Error
	}
	if out != nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
	}
	return nil
}

// Item is the common part of groups, datasets and reports.
type Item struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DatasetID   string `json:"datasetId,omitempty"`
	EmbedURL    string `json:"embedUrl,omitempty"`
	WebURL      string `json:"webUrl,omitempty"`
	CapacityID  string `json:"capacityId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// List fetches a {"value": [...]} collection.
func (c *Client) List(ctx context.Context, path string) ([]Item, error) {
	var l struct {
		Value []Item `json:"value"`
	}
	err := c.Do(ctx, http.MethodGet, path, nil, &l)
	return l.Value, err
}

// ResolveWorkspace accepts a workspace id or its exact name.
func (c *Client) ResolveWorkspace(ctx context.Context, idOrName string) (string, error) {
	return c.resolve(ctx, "/v1.0/myorg/groups", "workspace", idOrName)
}

// ResolveIn resolves a dataset or report (kind "datasets" or "reports") of a workspace by id or name.
func (c *Client) ResolveIn(ctx context.Context, workspaceID, kind, idOrName string) (string, error) {
	return c.resolve(ctx, "/v1.0/myorg/groups/"+url.PathEscape(workspaceID)+"/"+kind, strings.TrimSuffix(kind, "s"), idOrName)
}

func (c *Client) resolve(ctx context.Context, path, what, idOrName string) (string, error) {
	items, err := c.List(ctx, path)
	if err != nil {
		return "", err
	}
	var found []string
	for _, it := range items {
		if strings.EqualFold(it.ID, idOrName) {
			return it.ID, nil
		}
		if it.Name == idOrName {
			found = append(found, it.ID)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", fmt.Errorf("no %s has the id or name %q", what, idOrName)
	}
	return "", fmt.Errorf("%d %ss are named %q; give the id", len(found), what, idOrName)
}
