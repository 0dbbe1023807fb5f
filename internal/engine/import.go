package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// Format is the format of an imported file.
type Format string

// Import formats.
const (
	FormatCSV     Format = "csv"
	FormatParquet Format = "parquet"
)

// Mode says what an import does with the table's rows.
type Mode string

// Import modes.
const (
	// ModeReplace writes a new version with the table reloaded and switches to it atomically.
	ModeReplace Mode = "Replace"
	// ModeAppend adds the file's rows to the current version in one transaction.
	ModeAppend Mode = "Append"
)

// ImportOptions describe the source file. Zero values: CSV, Replace, a header row, a sniffed delimiter.
type ImportOptions struct {
	Format    Format
	Mode      Mode
	Header    *bool  // CSV: the first row names the columns (default true); without it columns map by position
	Delimiter string // CSV: one character; "" lets DuckDB detect it
}

// ImportResult reports a finished import.
type ImportResult struct {
	Rows    int64 // rows loaded from the file
	Version int   // the dataset's live version afterwards
}

// sourceField is the Field of errors about the imported file's contents: the
// API spools the request body to src, so to the client the culprit is the body.
// Messages keep the line (or row) and column.
const sourceField = "body"

// Import loads the file src (a path on this machine) into a table of the
// dataset. Columns map by name, case-insensitively, and are cast to the model's
// types; extra columns of the file are ignored. A file that lacks a column or
// holds a value that does not convert fails with errs.Invalid and changes nothing.
func (m *Manager) Import(ctx context.Context, datasetID string, def *model.DatasetDefinition, table string, src string, opts ImportOptions) (ImportResult, error) {
	t, err := lookupTable(def, table)
	if err != nil {
		return ImportResult{}, err
	}
	scan, args, err := scanSQL(src, opts)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = m.withWriter(datasetID, func(ds *dataset, h *handle) error {
		conn, err := h.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("engine: %w", err)
		}
		exprs, err := mapColumns(ctx, conn, t, scan, args, opts)
		conn.Close()
		if err != nil {
			return err
		}
		load := func(ctx context.Context, conn *sql.Conn, prefix string) error {
			q := "INSERT INTO " + prefix + quoteIdent(t.Name) + " (" + columnList(t) + ") SELECT " +
				strings.Join(exprs.casts, ", ") + " FROM " + scan
			r, err := conn.ExecContext(ctx, q, args...)
			if err != nil {
				return loadError(ctx, conn, t, scan, args, exprs, opts, err)
			}
			res.Rows, _ = r.RowsAffected()
			return nil
		}
		if opts.Mode == ModeAppend {
			conn, err := h.db.Conn(ctx)
			if err != nil {
				return fmt.Errorf("engine: %w", err)
			}
			defer conn.Close()
			res.Version = h.version
			return load(ctx, conn, "") // one statement: atomic
		}
		res.Version, err = m.rebuild(ctx, ds, h, def, t.Name, load)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	m.log.Info("imported", "dataset", datasetID, "table", t.Name, "rows", res.Rows, "mode", opts.Mode, "version", res.Version)
	return res, nil
}

// scanSQL returns the table function reading src; every option is a bound parameter.
func scanSQL(src string, opts ImportOptions) (string, []any, error) {
	switch opts.Mode {
	case "", ModeReplace, ModeAppend:
	default:
		return "", nil, errs.Invalid("mode", "unknown import mode %q (use Replace or Append)", opts.Mode)
	}
	if st, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) || (err == nil && st.IsDir()) {
		return "", nil, errs.Invalid(sourceField, "no file %q", src)
	} else if err != nil {
		return "", nil, fmt.Errorf("engine: %w", err)
	}
	switch opts.Format {
	case "", FormatCSV:
		header := opts.Header == nil || *opts.Header
		q := "read_csv(?, header = ?, all_varchar = true"
		args := []any{src, header}
		if opts.Delimiter != "" {
			r, _ := utf8.DecodeRuneInString(opts.Delimiter)
			if utf8.RuneCountInString(opts.Delimiter) != 1 || strings.ContainsRune("\r\n\"", r) {
				return "", nil, errs.Invalid("delimiter", "must be one character other than a quote or a line break")
			}
			q += ", delim = ?"
			args = append(args, opts.Delimiter)
		}
		return q + ")", args, nil
	case FormatParquet:
		return "read_parquet(?)", []any{src}, nil
	}
	return "", nil, errs.Invalid("format", "unknown format %q (use csv or parquet)", opts.Format)
}

// mapping holds, per model column, the source column and the cast expression.
type mapping struct {
	sources []string
	casts   []string
}

// mapColumns matches the file's columns to the model's.
func mapColumns(ctx context.Context, conn *sql.Conn, t *model.Table, scan string, args []any, opts ImportOptions) (mapping, error) {
	rows, err := conn.QueryContext(ctx, "SELECT * FROM "+scan+" LIMIT 0", args...)
	if err != nil {
		return mapping{}, sourceError(err)
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return mapping{}, fmt.Errorf("engine: %w", err)
	}
	var mp mapping
	byPosition := opts.Format != FormatParquet && opts.Header != nil && !*opts.Header
	if byPosition && len(cols) != len(t.Columns) {
		return mapping{}, errs.Invalid(sourceField, "the file has %d columns, table %q has %d", len(cols), t.Name, len(t.Columns))
	}
	for i, c := range t.Columns {
		src := ""
		if byPosition {
			src = cols[i]
		} else {
			for _, fc := range cols {
				if !strings.EqualFold(fc, c.Name) {
					continue
				}
				if src != "" {
					return mapping{}, errs.Invalid(sourceField, "the file has two columns named %q", c.Name)
				}
				src = fc
			}
			if src == "" {
				return mapping{}, errs.Invalid(sourceField, "the file has no column %q of table %q (its columns: %s)",
					c.Name, t.Name, preview(cols))
			}
		}
		mp.sources = append(mp.sources, src)
		mp.casts = append(mp.casts, castExpr(quoteIdent(src), c.DataType, false))
	}
	return mp, nil
}

func preview(cols []string) string {
	if len(cols) > 20 {
		return strings.Join(cols[:20], ", ") + ", ..."
	}
	return strings.Join(cols, ", ")
}

// castExpr converts a source column to a model type. Date-times go through
// TIMESTAMPTZ so an offset in the text is honoured (connections run in UTC).
func castExpr(col string, t model.DataType, try bool) string {
	cast := "CAST("
	if try {
		cast = "TRY_CAST("
	}
	if t == model.TypeDateTime {
		return cast + cast + col + " AS TIMESTAMPTZ) AS TIMESTAMP)"
	}
	typ, _ := SQLType(t)
	return cast + col + " AS " + typ + ")"
}

// loadError turns a failed load into a useful error: for a conversion
// failure it finds the first offending value and names its line.
func loadError(ctx context.Context, conn *sql.Conn, t *model.Table, scan string, args []any, mp mapping, opts ImportOptions, loadErr error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("engine: import canceled: %w", ctx.Err())
	}
	var de *duckdb.Error
	if !errors.As(loadErr, &de) || de.Type != duckdb.ErrorTypeConversion {
		return sourceError(loadErr)
	}
	for i, c := range t.Columns {
		src := quoteIdent(mp.sources[i])
		q := "SELECT n, v FROM (SELECT row_number() OVER () AS n, CAST(" + src + " AS VARCHAR) AS v, " +
			castExpr(src, c.DataType, true) + " AS ok FROM " + scan + ") WHERE v IS NOT NULL AND ok IS NULL LIMIT 1"
		var n int64
		var v string
		err := conn.QueryRowContext(ctx, q, args...).Scan(&n, &v)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			break
		}
		where := fmt.Sprintf("row %d", n)
		if opts.Format != FormatParquet {
			if opts.Header == nil || *opts.Header {
				n++
			}
			where = fmt.Sprintf("line %d", n)
		}
		if len(v) > 60 {
			v = v[:60] + "..."
		}
		return errs.Invalid(sourceField, "%s, column %q: cannot convert %q to %s", where, mp.sources[i], v, c.DataType).Wrap(loadErr)
	}
	return sourceError(loadErr)
}

// sourceError classifies a DuckDB error raised while reading the file: bad
// input is the client's (errs.Invalid with DuckDB's first line), the rest is internal.
func sourceError(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) {
		switch de.Type {
		case duckdb.ErrorTypeConversion, duckdb.ErrorTypeInvalidInput, duckdb.ErrorTypeParser,
			duckdb.ErrorTypeBinder, duckdb.ErrorTypeIO, duckdb.ErrorTypeOutOfRange, duckdb.ErrorTypeMismatchType:
			msg, _, _ := strings.Cut(de.Msg, "\n")
			if len(msg) > 300 {
				msg = msg[:300] + "..."
			}
			return errs.Invalid(sourceField, "the file could not be read: %s", msg).Wrap(err)
		}
	}
	return fmt.Errorf("engine: import: %w", err)
}
