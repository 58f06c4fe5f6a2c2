package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/testenv"
)

func TestAuditCommand(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	for i, at := range []time.Time{time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)} {
		e, _ := json.Marshal(csr.Entry{At: at, By: "alice", Action: "new", To: csr.Draft, Note: "t"})
		require.NoError(t, rdb.XAdd(ctx, &redis.XAddArgs{Stream: "{" + prefix + "}:audit", ID: strconv.FormatInt(at.UnixMilli(), 10) + "-0",
			Values: []string{"csr", "CSR-" + strconv.Itoa(i+1), "entry", string(e)}}).Err())
	}
	env := map[string]string{"REDIS_URL": testenv.RedisURL(), "REDIS_PREFIX": prefix}
	var out, errOut bytes.Buffer
	code := runAudit(ctx, []string{"--since", "2026-11-01", "--format", "json"}, &out, &errOut, func(k string) string { return env[k] })
	require.Equal(t, 0, code, errOut.String())
	var rows []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &rows))
	require.Len(t, rows, 1, "only November")
	require.Equal(t, "CSR-2", rows[0]["csr"])

	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--since is required"},
		{[]string{"--since", "yesterday"}, `"yesterday" is neither a date`},
		{[]string{"--since", "2026-11-01", "--until", "soon"}, `"soon" is neither`},
	} {
		errOut.Reset()
		require.Equal(t, 2, runAudit(ctx, tc.args, io.Discard, &errOut, func(k string) string { return env[k] }), tc.args)
		require.Contains(t, errOut.String(), tc.want)
	}
	errOut.Reset()
	require.Equal(t, 2, runAudit(ctx, []string{"--since", "2026-11-01"}, io.Discard, &errOut, func(string) string { return "" }))
	require.Contains(t, errOut.String(), "set REDIS_URL")
}
