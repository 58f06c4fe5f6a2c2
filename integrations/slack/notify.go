package slack

import (
	"context"
	"errors"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/csr"
)

// Notify delivers a notice of the bot (it is the app's bot.Notifier). A notice about a CSR goes into the
// thread of the CSR's live card (posted with the first such notice), the
// milestones (those carrying the card) also to the channel; approval
// requests become direct messages with Approve and Reject buttons; other
// notices to people are direct messages. Every notice about a CSR also
// redraws its card and direct messages.
func (a *Adapter) Notify(ctx context.Context, n chat.Notice) error {
	var errs []error
	if n.Channel != "" {
		errs = append(errs, a.channelNotice(ctx, n))
	}
	if len(n.To) > 0 {
		switch {
		case len(n.Actions) > 0:
			errs = append(errs, a.approvalRequests(ctx, n))
		case n.Channel == "":
			errs = append(errs, a.directNotice(ctx, n))
		}
	}
	if n.CSR != "" {
		a.keeper.touch(n.CSR)
	}
	return errors.Join(errs...)
}

func (a *Adapter) channelNotice(ctx context.Context, n chat.Notice) error {
	text, blocks := a.r.Notice(n)
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...)}
	if n.CSR == "" {
		_, _, err := a.api.post(ctx, n.Channel, opts...)
		return err
	}
	ref, created, err := a.keeper.ensureCard(ctx, n.CSR, n.Channel, text)
	if err != nil {
		a.log.WarnContext(ctx, "card not posted", "csr", n.CSR, "channel", n.Channel, "err", err)
	}
	if created {
		return nil // the card is the announcement
	}
	if ref.channel == "" {
		_, _, err := a.api.post(ctx, n.Channel, opts...)
		return err
	}
	opts = append(opts, slackapi.MsgOptionTS(ref.ts))
	if n.Card != nil {
		opts = append(opts, slackapi.MsgOptionBroadcast())
	}
	_, _, err = a.api.post(ctx, ref.channel, opts...)
	return err
}

// approvalRequests sends each approver of the step that just opened a
// direct message with the CSR's summary and Approve / Reject buttons, and
// records it so it can be closed when the step completes.
func (a *Adapter) approvalRequests(ctx context.Context, n chat.Notice) error {
	var c csr.CSR
	if n.Card != nil {
		c = n.Card.CSR
	} else {
		var err error
		if c, err = a.csrs.Get(ctx, n.CSR); err != nil {
			return err
		}
	}
	svc, ok := a.services.Service(c.Service)
	if !ok {
		return errors.New("unknown service " + c.Service)
	}
	st, ok := c.OpenStep(svc)
	if !ok {
		return nil
	}
	step := st.Step.Name
	var errs []error
	for _, p := range n.To {
		uid := a.people.SlackID(p)
		if uid == "" {
			a.log.WarnContext(ctx, "approver has no Slack id", "csr", c.ID, "person", p)
			continue
		}
		text, blocks := a.reader(ctx, uid).ApprovalDM(c, svc, step, p, a.clock.Now())
		ch, ts, err := a.api.post(ctx, uid, slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := a.keeper.posted(ctx, c.ID, dmField(uid, step, approvalRound(c)), ch, ts, blocks); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (a *Adapter) directNotice(ctx context.Context, n chat.Notice) error {
	var errs []error
	for _, p := range n.To {
		uid := a.people.SlackID(p)
		if uid == "" {
			continue
		}
		text, blocks := a.reader(ctx, uid).Notice(n)
		if _, _, err := a.api.post(ctx, uid, slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Redraw (the app's bot.Redrawer) brings the CSR's card and direct
// messages up to date with the store, in the background (the card keeper
// coalesces a burst of changes).
func (a *Adapter) Redraw(_ context.Context, id csr.ID) { a.keeper.touch(id) }
