package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"releasebot/csr"
)

// seed creates the CSRs the load works on, through the bot's own HTTP
// endpoint: n CSRs of alice; the first half tested, with evidence and
// submitted (waiting on bob, the lead), the rest left as drafts. It then
// makes the click templates from the cards and DMs Slack was sent.
func seed(ctx context.Context, s *stack, g *gen, t *target, n int) error {
	n = max(n, 2)
	var buf bytes.Buffer
	say := func(user, text string) error {
		o, err := t.do(t.prepare(ctx, g.slashCmd(user, text)), &buf)
		if o != answered {
			return fmt.Errorf("seed: /release %s: %v (outcome %d)", text, err, o)
		}
		return nil
	}
	each := func(ids []csr.ID, user string, text func(id csr.ID, i int) string, want csr.State) error {
		for i, id := range ids {
			if err := say(user, text(id, i+1)); err != nil {
				return err
			}
		}
		if err := s.settle(ctx); err != nil {
			return err
		}
		for _, id := range ids {
			if err := waitState(ctx, s, id, want); err != nil {
				return err
			}
		}
		return nil
	}

	s.fake.recording.Store(true)
	defer s.fake.recording.Store(false)
	for i := 1; i <= n; i++ {
		if err := say(alice, fmt.Sprintf(`new billing-api "Bench change %d" --ref main --effort 2h`, i)); err != nil {
			return err
		}
	}
	if err := s.settle(ctx); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		id := csr.ID(fmt.Sprintf("CSR-%d", i))
		if err := waitState(ctx, s, id, csr.Draft); err != nil {
			return err
		}
		g.all = append(g.all, id)
	}
	g.approval, g.draft = g.all[:n/2], g.all[n/2:]
	steps := []struct {
		user string
		text func(id csr.ID, i int) string
		want csr.State
	}{
		{alice, func(id csr.ID, _ int) string { return "test " + string(id) }, csr.Tested},
		{frank, func(id csr.ID, i int) string {
			return fmt.Sprintf(`evidence %s https://ci.example.com/run/%d "regression suite green"`, id, i)
		}, csr.Tested},
		{alice, func(id csr.ID, _ int) string { return "submit " + string(id) }, csr.InApproval},
	}
	for _, st := range steps {
		if err := each(g.approval, st.user, st.text, st.want); err != nil {
			return err
		}
	}

	// The buttons as Slack shows them now.
	for _, id := range g.all {
		refs, err := s.app.Store.SlackRefs(ctx, id)
		if err != nil {
			return err
		}
		card, err := recorded(s, refs, "card")
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		if g.isApproval(id) {
			dm, err := recorded(s, refs, "dm:"+bob+":lead:1") // user, step, approval round
			if err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
			if err := g.addClick("approve-requester", alice, card.channel, card.ts, card.blocks, string(csr.VerbApprove)); err != nil {
				return err
			}
			if err := g.addClick("approve-lead", bob, dm.channel, dm.ts, dm.blocks, string(csr.VerbApprove)); err != nil {
				return err
			}
			continue
		}
		if err := g.addClick("test-other", erin, card.channel, card.ts, card.blocks, "test"); err != nil {
			return err
		}
		if err := g.addClick("test-requester", alice, card.channel, card.ts, card.blocks, "test"); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) isApproval(id csr.ID) bool {
	for _, a := range g.approval {
		if a == id {
			return true
		}
	}
	return false
}

type message struct {
	channel, ts string
	blocks      []byte
}

// recorded is the latest content of a message the bot keeps a reference
// to ("channel ts [hash]" under field of the CSR's Slack refs).
func recorded(s *stack, refs map[string]string, field string) (message, error) {
	f := strings.Fields(refs[field])
	if len(f) < 2 {
		return message{}, fmt.Errorf("no %s message: %v", field, refs)
	}
	ch, ts := f[0], f[1]
	b, ok := s.fake.message(ch, ts)
	if !ok {
		return message{}, fmt.Errorf("the %s message %s %s was not recorded", field, ch, ts)
	}
	return message{ch, ts, b}, nil
}

func waitState(ctx context.Context, s *stack, id csr.ID, want csr.State) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		c, err := s.app.Store.Get(ctx, id)
		if err == nil && c.State == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("seed: %s is %s, not %s (%v)", id, c.State, want, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
