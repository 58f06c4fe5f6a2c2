package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/config"
	"releasebot/integrations/console"
	"releasebot/integrations/redisstore"
)

// appConfig runs svc0 of the seeded data with fakes that deploy at once
// and no deploy window, so a lifecycle measures the bot and the store.
const appConfig = `
timezone: Asia/Seoul
people: {dev: U0DEV00001, lead: U0LEAD0002, deputy: U0DEPUTY03, sm1: U0SM100004, sm2: U0SM200005}
services:
  - name: svc0
    repo: acme/app
    channel: "#svc0"
    environments:
      - {name: test, deployer: {kind: fake, delay: 0s}}
      - {name: prod, deployer: {kind: fake, delay: 0s}}
    approval_line:
      - {name: lead, approvers: [lead, deputy]}
      - {name: sm, approvers: [sm1, sm2]}
`

type quiet struct{}

func (quiet) Notify(context.Context, chat.Notice) error { return nil }

// lifecycles walks rounds CSRs of svc0 from `new` to deployed through the
// bot, on the seeded store, and rolls each one back: the full path a
// release takes, and `rollback`, whose production lookup is one read of
// the stored production record at any number of CSRs.
func lifecycles(ctx context.Context, rdb *redisstore.Client, prefix string, n, rounds int) error {
	cfg, err := config.Parse("lists.yaml", []byte(appConfig))
	if err != nil {
		return err
	}
	// The bot checks its indexes when it starts, and rebuilds them once for
	// a store whose marker does not say which version made them (the
	// seeded one): do it first, so the lifecycles do not run beside it.
	if err := redisstore.New(rdb, prefix).EnsureIndexes(ctx); err != nil {
		return err
	}
	a, err := app.New(ctx, app.Options{Config: cfg, Redis: rdb, Prefix: prefix,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Getenv:   func(string) string { return "" },
		Notifier: func(console.Renderer) bot.Notifier { return quiet{} }, Schedules: app.ScheduleOptions{NoLoop: true}})
	if err != nil {
		return err
	}
	defer a.Close()
	do := func(user, text string) (chat.Reply, error) {
		out := a.Bot.Handle(ctx, chat.Event{User: user, Text: text})
		if out.Reply.Refusal != nil {
			return out.Reply, fmt.Errorf("%s: %s refused: %s", user, text, out.Reply.Refusal.Why)
		}
		return out.Reply, nil
	}
	release := func() (string, error) {
		r, err := do("dev", `new svc0 "Fix rounding" --ref main`)
		if err != nil {
			return "", err
		}
		id := string(r.Card.CSR.ID)
		for _, step := range [][2]string{{"dev", "test " + id}, {"dev", "submit " + id}, {"lead", "approve " + id},
			{"sm1", "approve " + id}, {"dev", "deploy " + id}} {
			if step[1] == "submit "+id {
				a.Runner.Wait()
			}
			if _, err := do(step[0], step[1]); err != nil {
				return "", err
			}
		}
		a.Runner.Wait()
		return id, nil
	}
	if _, err := release(); err != nil { // production runs something to roll back to
		return err
	}
	var life, back []time.Duration
	for range rounds {
		t := time.Now()
		id, err := release()
		if err != nil {
			return err
		}
		life = append(life, time.Since(t))
		t = time.Now()
		if _, err := do("dev", "rollback "+id+` "error rate doubled"`); err != nil {
			return err
		}
		back = append(back, time.Since(t))
		a.Runner.Wait()
	}
	report(n, "lifecycle (new → deployed)", life, rounds)
	report(n, "rollback", back, rounds)
	return nil
}
