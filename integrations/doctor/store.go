package doctor

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"releasebot/integrations/redisstore"
	"releasebot/msg"
)

// CheckStore diagnoses what the release data's safety depends on: how the
// bot reaches Redis (one node of a cluster named as a single server),
// whether Redis keeps anything on disk, whether min_replicas can be met,
// and the store's integrity check (a store that lost data). url is
// REDIS_URL, prefix REDIS_PREFIX. Without a URL, or when Redis does not
// answer, it returns nothing: checkRedis reports that.
//
// Warnings (no persistence, a cluster named by one node, CONFIG not
// readable) are "–" lines that do not fail doctor; a store that lost data,
// or fewer replicas than min_replicas, fail it.
func CheckStore(ctx context.Context, url, prefix string) []Check {
	if url == "" {
		return nil
	}
	rdb, err := redisstore.Connect(ctx, url)
	if err != nil {
		return nil
	}
	defer rdb.Close()
	u := rdb.URL
	checks := []Check{{Name: "store", OK: true, Text: msg.T(msg.StoreDoctorKind, "kind", string(u.Kind), "url", u.Redacted,
		"replicas", strconv.Itoa(u.Durability.MinReplicas))}}
	if u.Detected {
		checks = append(checks, Check{Name: "store", Skip: true, Text: msg.T(msg.StoreDoctorClusterNode, "url", u.Redacted,
			"suggest", clusterURL(u.Redacted))})
	}
	checks = append(checks, persistence(ctx, rdb))
	if want := u.Durability.MinReplicas; want > 0 {
		info, err := rdb.Info(ctx, "replication").Result()
		if err == nil {
			n, _ := strconv.Atoi(infoField(info, "connected_slaves"))
			if n < want {
				checks = append(checks, Check{Name: "store", Text: msg.T(msg.StoreDoctorReplicas, "replicas", strconv.Itoa(n), "want", strconv.Itoa(want))})
			}
		}
	}
	st := redisstore.New(rdb, prefix, redisstore.WithLogger(slog.New(slog.DiscardHandler)))
	in, err := st.CheckIntegrity(ctx)
	switch {
	case err != nil:
		checks = append(checks, Check{Name: "store", Text: msg.T(msg.StoreDoctorCheckFailed, "error", err.Error())})
	case !in.OK:
		checks = append(checks, Check{Name: "store", Text: msg.T(msg.StoreDoctorLost, "problems", strings.Join(in.Problems, "; "))})
	case in.Created.IsZero():
		checks = append(checks, Check{Name: "store", OK: true, Text: msg.T(msg.StoreDoctorNew)})
	default:
		checks = append(checks, Check{Name: "store", OK: true, Text: msg.T(msg.StoreDoctorIntact,
			"created", in.Created.Format(time.RFC3339), "high", strconv.FormatInt(in.HighWater, 10))})
	}
	return checks
}

// persistence reads appendonly and save. Managed Redis services often
// disable CONFIG; then doctor says it cannot tell.
func persistence(ctx context.Context, rdb *redisstore.Client) Check {
	cfg, err := rdb.ConfigGet(ctx, "appendonly").Result()
	if err == nil {
		var save map[string]string
		if save, err = rdb.ConfigGet(ctx, "save").Result(); err == nil {
			cfg["save"] = save["save"]
		}
	}
	if err != nil {
		return Check{Name: "store", Skip: true, Text: msg.T(msg.StoreDoctorConfigHidden, "error", err.Error())}
	}
	if cfg["appendonly"] != "yes" && strings.TrimSpace(cfg["save"]) == "" {
		return Check{Name: "store", Skip: true, Text: msg.T(msg.StoreDoctorNoPersistence)}
	}
	return Check{Name: "store", OK: true, Text: msg.T(msg.StoreDoctorPersistent, "aof", cfg["appendonly"], "save", cfg["save"])}
}

// clusterURL is the redis+cluster:// spelling of a single-node URL.
func clusterURL(redacted string) string {
	for _, scheme := range []string{"rediss", "redis"} {
		if rest, ok := strings.CutPrefix(redacted, scheme+"://"); ok {
			host, _, _ := strings.Cut(rest, "/")
			return fmt.Sprintf("%s+cluster://%s", scheme, host)
		}
	}
	return redacted
}
