package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/bindery-dev/bindery/internal/catalog"
	"github.com/bindery-dev/bindery/internal/engine"
	"github.com/bindery-dev/bindery/internal/errs"
)

// isUpload tells the import route, whose body is a file with its own size limit.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/import")
}

type importResponse struct {
	Table string `json:"table"`
	Rows  int64  `json:"rows"`
	Mode  string `json:"mode"`
}

// importTable loads a CSV or Parquet body into a table (Bindery's own endpoint).
// The body is spooled to a file first, so a broken upload never touches the data.
func (a *API) importTable(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format, err := catalog.ParseImportFormat(q.Get("format"), q.Get("fileName"))
	if err != nil {
		if ct := r.Header.Get("Content-Type"); strings.Contains(ct, "csv") {
			format, err = engine.FormatCSV, nil
		} else if strings.Contains(ct, "parquet") {
			format, err = engine.FormatParquet, nil
		}
	}
	if err != nil {
		return errs.Invalid("format", "must be csv or parquet (query parameter format, or a text/csv or application/vnd.apache.parquet Content-Type)")
	}
	opts := engine.ImportOptions{Format: format, Mode: engine.ModeReplace}
	switch m := q.Get("mode"); m {
	case "", "replace", "Replace":
	case "append", "Append":
		opts.Mode = engine.ModeAppend
	default:
		return errs.Invalid("mode", "must be replace or append, got %q", m)
	}
	if h := q.Get("header"); h != "" {
		v := h == "true"
		if !v && h != "false" {
			return errs.Invalid("header", "must be true or false")
		}
		opts.Header = &v
	}
	if d := q.Get("delimiter"); d != "" {
		if len([]rune(d)) != 1 {
			return errs.Invalid("delimiter", "must be a single character")
		}
		opts.Delimiter = d
	}
	if r.ContentLength > a.opts.MaxUploadBytes {
		return tooLarge(a.opts.MaxUploadBytes)
	}
	if err := a.cat.CheckWritable(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"), r.PathValue("tableName")); err != nil {
		return err // refused before a byte is written to disk
	}
	src, err := a.spool(w, r, string(format))
	if err != nil {
		return err
	}
	defer os.Remove(src)
	res, err := a.cat.Import(r.Context(), r.PathValue("groupId"), r.PathValue("datasetId"), r.PathValue("tableName"), src, opts)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, importResponse{Table: r.PathValue("tableName"), Rows: res.Rows, Mode: string(opts.Mode)})
	return nil
}

func (a *API) spool(w http.ResponseWriter, r *http.Request, ext string) (string, error) {
	if err := os.MkdirAll(a.opts.UploadDir, 0o700); err != nil {
		return "", fmt.Errorf("upload dir: %w", err)
	}
	f, err := os.CreateTemp(a.opts.UploadDir, "upload-*."+ext)
	if err != nil {
		return "", fmt.Errorf("spool upload: %w", err)
	}
	body := http.MaxBytesReader(w, r.Body, a.opts.MaxUploadBytes)
	n, err := io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n == 0 {
		err = errs.Invalid("body", "the uploaded file is empty")
	}
	if err != nil {
		os.Remove(f.Name())
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return "", tooLarge(a.opts.MaxUploadBytes)
		}
		if _, ok := errs.As(err); ok {
			return "", err
		}
		return "", errs.Invalid("body", "the upload was interrupted").Wrap(err)
	}
	return f.Name(), nil
}

func tooLarge(limit int64) error {
	return errs.New(errs.KindTooLarge, "RequestTooLarge", "the upload is larger than the server's limit of %d bytes", limit)
}
