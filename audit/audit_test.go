package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/audit"
	"releasebot/bot"
	"releasebot/csr"
	"releasebot/integrations/console"
	"releasebot/integrations/redisstore"
	"releasebot/internal/clock"
	"releasebot/internal/store"
	"releasebot/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./audit -update to create it")
	require.Equal(t, string(want), string(got))
}

// lifecycle runs the lifecycle script on a manual clock (so every time in
// the export is the script's) and returns the app's store.
func lifecycle(t *testing.T) *redisstore.Store {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Example(t)
	out := console.NewOut(io.Discard)
	clk := clock.NewManual(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC))
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix, Clock: clk,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Getenv: func(string) string { return "" },
		Notifier: func(r console.Renderer) bot.Notifier { return console.Notifier{Out: out, Render: r} }})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	con := console.New(a.Bot, a.Runner, cfg, a.Renderer, out, clk)
	f, err := os.Open("testdata/lifecycle.script")
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, con.Script(context.Background(), "lifecycle.script", f))
	a.Runner.Wait()
	return a.Store
}

// TestExportLifecycle: the export of the lifecycle script lists every
// transition in order, with the service, the runs and their commit.
func TestExportLifecycle(t *testing.T) {
	s := lifecycle(t)
	for _, format := range audit.Formats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := audit.Export(context.Background(), s, s, audit.Query{Format: format}, &buf)
			require.NoError(t, err)
			require.Equal(t, 10, n, "the ten entries of `history CSR-1`")
			golden(t, "lifecycle."+format, buf.Bytes())
			if format == "json" {
				var rows []audit.Row
				require.NoError(t, json.Unmarshal(buf.Bytes(), &rows))
				require.Len(t, rows, n)
			} else {
				rows, err := csv.NewReader(&buf).ReadAll()
				require.NoError(t, err)
				require.Len(t, rows, n+1)
			}
		})
	}
	var buf bytes.Buffer
	n, err := audit.Export(context.Background(), s, s, audit.Query{Service: "payments-web"}, &buf)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, "time,csr,service,action,from,to,by,note,run,commit\n", buf.String())
	_, err = audit.Export(context.Background(), s, s, audit.Query{Format: "xml"}, &buf)
	require.ErrorContains(t, err, `format "xml" is not one of csv, json`)
}

// noCSRs is a store that has lost every CSR: the audit log outlives them.
type noCSRs struct{}

func (noCSRs) Get(context.Context, csr.ID) (csr.CSR, error) { return csr.CSR{}, store.ErrNotFound }

// TestRangeReadsByStreamTime writes entries at known stream times, more
// than one page of them, and reads exact ranges back.
func TestRangeReadsByStreamTime(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	s := redisstore.New(rdb, prefix)
	ctx := context.Background()
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const total = 1234 // more than two pages of 500
	pipe := rdb.Pipeline()
	for i := range total {
		at := base.Add(time.Duration(i) * time.Minute)
		e, _ := json.Marshal(csr.Entry{At: at, By: "alice", Action: "note", Note: fmt.Sprint(i)})
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: "{" + prefix + "}:audit", ID: fmt.Sprintf("%d-0", at.UnixMilli()),
			Values: []string{"csr", fmt.Sprintf("CSR-%d", i), "entry", string(e)}})
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	tests := []struct {
		name         string
		since, until time.Time
		first, n     int
	}{
		{"everything", time.Time{}, time.Time{}, 0, total},
		{"since is inclusive", base.Add(10 * time.Minute), time.Time{}, 10, total - 10},
		{"until is exclusive", time.Time{}, base.Add(600 * time.Minute), 0, 600},
		{"a window", base.Add(100 * time.Minute), base.Add(1100 * time.Minute), 100, 1000},
		{"empty", base.Add(-time.Hour), base, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []store.AuditRecord
			require.NoError(t, s.AuditRange(ctx, tc.since, tc.until, func(r store.AuditRecord) error {
				got = append(got, r)
				return nil
			}))
			require.Len(t, got, tc.n)
			for i, r := range got {
				require.Equal(t, fmt.Sprint(tc.first+i), r.Entry.Note, "in order, none skipped")
			}
		})
	}
	var buf bytes.Buffer
	n, err := audit.Export(ctx, s, noCSRs{}, audit.Query{Since: base, Until: base.Add(2 * time.Minute), Format: "json"}, &buf)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	stop := fmt.Errorf("reader went away")
	calls := 0
	err = s.AuditRange(ctx, time.Time{}, time.Time{}, func(store.AuditRecord) error { calls++; return stop })
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, calls, "an error stops the read")
}

func TestCSVCellsAreNotFormulas(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	s := redisstore.New(rdb, prefix)
	ctx := context.Background()
	e, _ := json.Marshal(csr.Entry{At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), By: "alice", Action: "reject",
		Note: `=HYPERLINK("https://evil.example","click")`})
	require.NoError(t, rdb.XAdd(ctx, &redis.XAddArgs{Stream: "{" + prefix + "}:audit", Values: []string{"csr", "CSR-1", "entry", string(e)}}).Err())
	var buf bytes.Buffer
	_, err := audit.Export(ctx, s, noCSRs{}, audit.Query{}, &buf)
	require.NoError(t, err)
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, `'=HYPERLINK("https://evil.example","click")`, rows[1][7])
}
