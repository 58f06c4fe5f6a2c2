package metrics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisHook times every command and pipeline the client sends, by kind:
// read, write, script, stream, pipeline or other. Kinds, not command
// names, keep the label set small whatever the store starts sending.
func (m *Metrics) RedisHook() redis.Hook { return redisHook{m} }

type redisHook struct{ m *Metrics }

func (redisHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.m.storeSeconds.WithLabelValues(CommandKind(cmd.Name()), result(err)).Observe(time.Since(start).Seconds())
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		kind, res := "pipeline", result(err)
		if handshake(cmds) {
			// go-redis ignores a Redis before 7.2 refusing CLIENT SETINFO
			// on each new connection: not a store error to alert on.
			kind, res = "other", "ok"
		}
		h.m.storeSeconds.WithLabelValues(kind, res).Observe(time.Since(start).Seconds())
		return err
	}
}

// handshake: the CLIENT SETINFO pipeline a new connection sends.
func handshake(cmds []redis.Cmder) bool {
	for _, c := range cmds {
		if args := c.Args(); c.Name() != "client" || len(args) < 2 || !strings.EqualFold(fmt.Sprint(args[1]), "setinfo") {
			return false
		}
	}
	return len(cmds) > 0
}

// result is "ok" or "error"; a nil reply (key absent) is an answer.
func result(err error) string {
	if err == nil || errors.Is(err, redis.Nil) {
		return "ok"
	}
	return "error"
}

// CommandKind sorts a Redis command into the kinds of the store latency
// histogram.
func CommandKind(name string) string {
	name = strings.ToLower(name)
	switch {
	case name == "eval" || name == "evalsha" || name == "eval_ro" || name == "evalsha_ro" || name == "fcall" || strings.HasPrefix(name, "script"):
		return "script"
	case strings.HasPrefix(name, "x"): // xadd, xreadgroup, xautoclaim, …
		return "stream"
	case readCommands[name]:
		return "read"
	case writeCommands[name]:
		return "write"
	}
	return "other"
}

var readCommands = map[string]bool{"get": true, "mget": true, "hget": true, "hgetall": true, "hmget": true, "exists": true,
	"zrange": true, "zrevrange": true, "zrangebyscore": true, "zrevrangebyscore": true, "zcard": true, "zintercard": true,
	"zscore": true, "zmscore": true, "smembers": true, "sismember": true, "scard": true, "lrange": true, "llen": true,
	"ttl": true, "pttl": true, "scan": true, "type": true, "strlen": true, "hexists": true, "hlen": true}

var writeCommands = map[string]bool{"set": true, "setnx": true, "del": true, "unlink": true, "hset": true, "hsetnx": true,
	"hdel": true, "hincrby": true, "incr": true, "incrby": true, "zadd": true, "zrem": true, "sadd": true, "srem": true,
	"expire": true, "pexpire": true, "persist": true, "lpush": true, "rpush": true, "ltrim": true, "getdel": true}
