package samples

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
)

// appConfig is what the sample applications know about Bindery: the settings
// a real app keeps in its configuration (the demo writes them to demo.json).
type appConfig struct {
	TokenURL string `json:"tokenUrl"`
	Report   struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		WorkspaceID string `json:"workspaceId"`
		EmbedURL    string `json:"embedUrl"`
	} `json:"report"`
	Datasets []configDataset `json:"datasets"`
	App      *struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	} `json:"app"`
}

type configDataset struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	WorkspaceID string `json:"workspaceId"`
}

func (c *appConfig) dataset(name string) (configDataset, bool) {
	for _, d := range c.Datasets {
		if d.Name == name {
			return d, true
		}
	}
	return configDataset{}, false
}

// errNotReady means demo.json is not there yet: the demo is still being seeded.
var errNotReady = errors.New("the demo is still being set up; try again in a few seconds")

// configLoader reads the file once it is complete, and keeps it.
type configLoader struct {
	path string
	mu   sync.Mutex
	c    *appConfig
}

func (l *configLoader) get() (*appConfig, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c != nil {
		return l.c, nil
	}
	raw, err := os.ReadFile(l.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNotReady
	}
	if err != nil {
		return nil, fmt.Errorf("sample settings: %w", err)
	}
	var c appConfig
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("sample settings %s: %w", l.path, err)
	}
	if c.App == nil || c.App.ClientID == "" || c.TokenURL == "" || c.Report.ID == "" {
		return nil, errNotReady // written before the demo's identities were seeded
	}
	l.c = &c
	return l.c, nil
}

// forget drops the kept settings so the next get reads the file again.
func (l *configLoader) forget() {
	l.mu.Lock()
	l.c = nil
	l.mu.Unlock()
}
