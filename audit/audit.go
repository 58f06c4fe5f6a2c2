// Package audit exports the audit stream for auditors: every transition
// (time, CSR, service, action, from, to, who, note, and the run and commit
// where the transition was about a run) in order, as CSV for a spreadsheet
// or as JSON, written while it is read.
package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"releasebot/csr"
	"releasebot/internal/store"
)

// Source reads the audit stream by time range, oldest first;
// *redisstore.Store implements it.
type Source interface {
	AuditRange(ctx context.Context, from, until time.Time, each func(store.AuditRecord) error) error
}

// CSRs finds the CSR a record belongs to, for its service and the commit
// of its runs; *redisstore.Store implements it.
type CSRs interface {
	Get(ctx context.Context, id csr.ID) (csr.CSR, error)
}

// Formats are the values Query.Format accepts.
var Formats = []string{"csv", "json"}

// Query chooses what to export.
type Query struct {
	Since, Until time.Time // zero: from the start, to the end
	Service      string    // "" = every service
	Format       string    // "csv" (default) or "json"
}

// Row is one exported transition.
type Row struct {
	Time    time.Time `json:"time"`
	CSR     csr.ID    `json:"csr"`
	Service string    `json:"service"`
	Action  string    `json:"action"`
	From    csr.State `json:"from,omitempty"`
	To      csr.State `json:"to,omitempty"`
	By      string    `json:"by"`
	Note    string    `json:"note,omitempty"`
	Run     string    `json:"run,omitempty"`
	Commit  string    `json:"commit,omitempty"`
}

var header = []string{"time", "csr", "service", "action", "from", "to", "by", "note", "run", "commit"}

// Export writes the rows of q to w and returns how many it wrote.
func Export(ctx context.Context, src Source, csrs CSRs, q Query, w io.Writer) (int, error) {
	var out rowWriter
	switch q.Format {
	case "", "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return 0, err
		}
		out = &csvRows{w: cw}
	case "json":
		out = &jsonRows{w: w}
	default:
		return 0, fmt.Errorf("format %q is not one of %s", q.Format, strings.Join(Formats, ", "))
	}
	known := map[csr.ID]*csr.CSR{} // one read per CSR, however many transitions it has
	n := 0
	err := src.AuditRange(ctx, q.Since, q.Until, func(r store.AuditRecord) error {
		c, ok := known[r.CSR]
		if !ok {
			got, err := csrs.Get(ctx, r.CSR)
			switch {
			case errors.Is(err, store.ErrNotFound):
				c = nil // still exported: the audit log outlives its CSRs
			case err != nil:
				return fmt.Errorf("read %s for its service: %w", r.CSR, err)
			default:
				c = &got
			}
			known[r.CSR] = c
		}
		row := rowOf(r, c)
		if q.Service != "" && row.Service != q.Service {
			return nil
		}
		n++
		return out.row(row)
	})
	if err != nil {
		return n, err
	}
	return n, out.close()
}

func rowOf(r store.AuditRecord, c *csr.CSR) Row {
	e := r.Entry
	row := Row{Time: e.At.UTC(), CSR: r.CSR, Action: e.Action, From: e.From, To: e.To, By: string(e.By), Note: e.Note}
	if e.From == e.To {
		row.To = "" // no move: the state it stayed in is From
	}
	if c == nil {
		return row
	}
	row.Service = c.Service
	// A transition about a run names the run first in its note
	// ("CSR-1/deploy/1 succeeded"); the run's commit never changes.
	first, _, _ := strings.Cut(e.Note, " ")
	for _, run := range c.Runs {
		if run.ID == first {
			row.Run, row.Commit = run.ID, run.SHA
		}
	}
	return row
}

type rowWriter interface {
	row(Row) error
	close() error
}

type csvRows struct{ w *csv.Writer }

func (c *csvRows) row(r Row) error {
	return c.w.Write([]string{r.Time.Format(time.RFC3339), string(r.CSR), cell(r.Service), cell(r.Action), string(r.From),
		string(r.To), cell(r.By), cell(r.Note), cell(r.Run), r.Commit})
}

func (c *csvRows) close() error {
	c.w.Flush()
	return c.w.Error()
}

// cell keeps text people typed (a note, a reason) from being read as a
// formula by the spreadsheet the auditor opens the file in.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// jsonRows writes one JSON array, an element at a time.
type jsonRows struct {
	w io.Writer
	n int
}

func (j *jsonRows) row(r Row) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	_, err = io.WriteString(j.w, sep+string(b))
	return err
}

func (j *jsonRows) close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}
