package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/csr"
)

// keeper keeps the messages about a CSR true: its live card in the
// service channel and its approvers' direct messages. Any change marks
// the CSR dirty; one refresh per CSR runs at a time and draws the freshest
// state from the store, so a burst of transitions becomes one or two
// chat.update calls (latest wins) and none is lost. Rate limits are waited
// out in the Web API layer.
//
// The keeper alone knows where the messages are: it is the only user of
// the store's message refs (CardRefs).
type keeper struct {
	a      *Adapter
	refs   CardRefs
	mu     sync.Mutex
	dirty  map[csr.ID]bool
	active map[csr.ID]bool
	wg     sync.WaitGroup

	sentMu sync.Mutex
	sent   map[string][sha256.Size]byte // "channel ts" -> hash of what it shows
}

func newKeeper(a *Adapter, refs CardRefs) *keeper {
	return &keeper{a: a, refs: refs, dirty: map[csr.ID]bool{}, active: map[csr.ID]bool{}, sent: map[string][sha256.Size]byte{}}
}

// touch marks a CSR's messages for a refresh.
func (k *keeper) touch(id csr.ID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dirty[id] = true
	if k.active[id] {
		return
	}
	k.active[id] = true
	k.wg.Add(1)
	go k.loop(id)
}

func (k *keeper) idle() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.active) == 0 && len(k.dirty) == 0
}

func (k *keeper) wait() { k.wg.Wait() }

func (k *keeper) loop(id csr.ID) {
	defer k.wg.Done()
	for {
		k.mu.Lock()
		if !k.dirty[id] {
			delete(k.active, id)
			k.mu.Unlock()
			return
		}
		delete(k.dirty, id)
		k.mu.Unlock()
		if k.refresh(id) {
			k.mu.Lock()
			k.dirty[id] = true
			k.mu.Unlock()
		}
	}
}

// refresh redraws every message about one CSR; it reports whether the
// CSR changed meanwhile (on another replica) and must be drawn again.
func (k *keeper) refresh(id csr.ID) (again bool) {
	a := k.a
	ctx, cancel := context.WithTimeout(a.base, 10*time.Minute)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("card refresh panicked", "csr", id, "panic", p)
			again = false
		}
	}()
	c, err := a.csrs.Get(ctx, id)
	if err != nil {
		a.log.WarnContext(ctx, "card refresh: CSR not read", "csr", id, "err", err)
		return false
	}
	svc, ok := a.services.Service(c.Service)
	if !ok {
		return false
	}
	refs, err := k.refs.SlackRefs(ctx, id)
	if err != nil {
		a.log.WarnContext(ctx, "card refresh: message refs not read", "csr", id, "err", err)
		return false
	}
	if ref, ok := parseRef(refs[refCard]); ok {
		text, blocks, err := a.liveCard(ctx, c, svc)
		if err == nil {
			k.update(ctx, id, refCard, ref, text, blocks)
		} else {
			a.log.WarnContext(ctx, "card not drawn", "csr", id, "err", err)
		}
	}
	fields := make([]string, 0, len(refs))
	for f := range refs {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		user, step, round, ok := parseDMField(f)
		ref, okRef := parseRef(refs[f])
		if !ok || !okRef {
			continue
		}
		p, known := a.people.PersonBySlackID(user)
		if !known {
			continue
		}
		if round < 0 {
			round = approvalRound(c)
		}
		text, blocks := a.reader(ctx, user).RoundDM(c, svc, step, p, a.clock.Now(), round)
		k.update(ctx, id, f, ref, text, blocks)
	}
	now, err := a.csrs.Get(ctx, id)
	return err == nil && now.Version != c.Version
}

// update sends chat.update unless the message already shows exactly this:
// as this process remembers, or as the ref stored with its hash says (so a
// restarted or other replica does not redraw every message unchanged).
func (k *keeper) update(ctx context.Context, id csr.ID, field string, ref msgRef, text string, blocks []slackapi.Block) {
	sum := hashMessage(blocks)
	key := ref.String()
	k.sentMu.Lock()
	last, known := k.sent[key]
	k.sentMu.Unlock()
	// What this process drew itself it knows best; the stored hash is for
	// a message it never drew (after a restart).
	if (known && last == sum) || (!known && ref.sum == shortSum(sum)) {
		return
	}
	err := k.a.api.update(ctx, ref.channel, ref.ts, slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...))
	if err != nil {
		// err carries Slack's response_metadata (which field was wrong).
		k.a.log.WarnContext(ctx, "message not updated", "channel", ref.channel, "ts", ref.ts, "err", err)
		return
	}
	k.remember(ref, sum)
	ref.sum = shortSum(sum)
	if err := k.refs.SetSlackRef(context.WithoutCancel(ctx), id, field, ref.stored()); err != nil {
		k.a.log.WarnContext(ctx, "message ref not saved", "csr", id, "err", err)
	}
}

// ensureCard returns where the live card of a CSR is, posting it when
// there is none yet. One replica posts it: the one that claims the ref.
func (k *keeper) ensureCard(ctx context.Context, id csr.ID, channel, text string) (msgRef, bool, error) {
	a := k.a
	refs, err := k.refs.SlackRefs(ctx, id)
	if err != nil {
		return msgRef{}, false, err
	}
	now := a.clock.Now()
	if v, ok := refs[refCard]; ok {
		if r, ok := parseRef(v); ok {
			return r, false, nil
		}
		if !stalePending(v, now) {
			return msgRef{}, false, nil // another replica is posting it
		}
		if err := k.refs.DeleteSlackRef(ctx, id, refCard); err != nil {
			return msgRef{}, false, err
		}
	}
	claimed, err := k.refs.ClaimSlackRef(ctx, id, refCard, pendingRef(now))
	if err != nil || !claimed {
		return msgRef{}, false, err
	}
	posted := false
	defer func() {
		if !posted {
			if err := k.refs.DeleteSlackRef(context.WithoutCancel(ctx), id, refCard); err != nil {
				a.log.WarnContext(ctx, "card claim not given back", "csr", id, "err", err)
			}
		}
	}()
	c, err := a.csrs.Get(ctx, id)
	if err != nil {
		return msgRef{}, false, err
	}
	svc, ok := a.services.Service(c.Service)
	if !ok {
		return msgRef{}, false, errors.New("unknown service " + c.Service)
	}
	fallbackText, blocks, err := a.liveCard(ctx, c, svc)
	if err != nil {
		return msgRef{}, false, err
	}
	if text == "" {
		text = fallbackText
	}
	ch, ts, err := a.api.post(ctx, channel, slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...))
	if err != nil {
		return msgRef{}, false, err
	}
	sum := hashMessage(blocks)
	ref := msgRef{ch, ts, shortSum(sum)}
	if err := k.refs.SetSlackRef(context.WithoutCancel(ctx), id, refCard, ref.stored()); err != nil {
		return msgRef{}, false, err
	}
	posted = true
	k.remember(ref, sum)
	return ref, true, nil
}

// posted records a message just posted about a CSR (an approver's direct
// message): what it shows, for this process, and where it is, under
// field, for every replica.
func (k *keeper) posted(ctx context.Context, id csr.ID, field, channel, ts string, blocks []slackapi.Block) error {
	sum := hashMessage(blocks)
	ref := msgRef{channel, ts, shortSum(sum)}
	k.remember(ref, sum)
	return k.refs.SetSlackRef(context.WithoutCancel(ctx), id, field, ref.stored())
}

// shortSum is the part of a message's hash stored with its ref: enough to
// tell "unchanged" from "changed".
func shortSum(sum [sha256.Size]byte) string { return hex.EncodeToString(sum[:8]) }

func (k *keeper) remember(ref msgRef, sum [sha256.Size]byte) {
	k.sentMu.Lock()
	defer k.sentMu.Unlock()
	if len(k.sent) > 10000 {
		clear(k.sent) // a cache of what was sent, not a record: forgetting costs one redundant update
	}
	k.sent[ref.String()] = sum
}

// hashMessage identifies what a message shows: its blocks. The
// notification text is left out: it matters when a message is posted (and
// a post's text may differ from the card's own), not when it is redrawn.
func hashMessage(blocks []slackapi.Block) [sha256.Size]byte {
	b, _ := json.Marshal(blocks)
	return sha256.Sum256(b)
}

// Message refs, stored per CSR so that any replica can update them.
const (
	refCard     = "card"
	refDMPrefix = "dm:"
)

// msgRef is where a message is: channel id and timestamp, and (stored
// with it) a short hash of what it shows.
type msgRef struct{ channel, ts, sum string }

func (r msgRef) String() string { return r.channel + " " + r.ts }

// stored is the ref as kept in the store: "channel ts [sum]".
func (r msgRef) stored() string {
	if r.sum == "" {
		return r.String()
	}
	return r.String() + " " + r.sum
}

func parseRef(s string) (msgRef, bool) {
	f := strings.Fields(s)
	if len(f) < 2 || len(f) > 3 || f[0] == "pending" {
		return msgRef{}, false
	}
	r := msgRef{channel: f[0], ts: f[1]}
	if len(f) == 3 {
		r.sum = f[2]
	}
	return r, true
}

// pendingRef marks a card being posted by some replica; one older than
// pendingTimeout belonged to a replica that died while posting.
func pendingRef(now time.Time) string { return "pending " + strconv.FormatInt(now.Unix(), 10) }

const pendingTimeout = 2 * time.Minute

func stalePending(s string, now time.Time) bool {
	rest, ok := strings.CutPrefix(s, "pending ")
	if !ok {
		return true
	}
	secs, err := strconv.ParseInt(rest, 10, 64)
	return err != nil || now.Sub(time.Unix(secs, 0)) > pendingTimeout
}

// dmField names the ref of the approval request a user got for a step in
// one approval round: each round has messages of its own, so those of a
// round that ended are closed, never redrawn live.
func dmField(user, step string, round int) string {
	return refDMPrefix + user + ":" + step + ":" + strconv.Itoa(round)
}

// parseDMField reads a dmField; round is -1 for a ref written before
// rounds were recorded (taken to be of the current round).
func parseDMField(f string) (user, step string, round int, ok bool) {
	rest, ok := strings.CutPrefix(f, refDMPrefix)
	if !ok {
		return "", "", 0, false
	}
	user, step, ok = strings.Cut(rest, ":")
	round = -1
	if i := strings.LastIndexByte(step, ':'); i >= 0 {
		if n, err := strconv.Atoi(step[i+1:]); err == nil {
			step, round = step[:i], n
		}
	}
	return user, step, round, ok && user != "" && step != ""
}

// approvalRound numbers a CSR's approval rounds: each submission starts
// one (1, 2, …); 0 before the first. It is read from the history, which
// records every submission, so every replica agrees on it.
func approvalRound(c csr.CSR) int {
	n := 0
	for _, e := range c.History {
		if e.Action == "submit" {
			n++
		}
	}
	return n
}

// liveCard draws the channel card of c: the card, and as buttons the
// moves that make sense now for its owners and approvers. Who clicked is
// checked when the click arrives; a refused click is explained to that
// person alone.
func (a *Adapter) liveCard(ctx context.Context, c csr.CSR, svc csr.Service) (string, []slackapi.Block, error) {
	card, owner, err := a.cards.Card(ctx, csr.Actor{Person: c.Requester}, c, svc)
	if err != nil {
		return "", nil, err
	}
	text, blocks := a.r.CardMessage(card, cardActions(c, owner))
	return text, blocks, nil
}

// cardActions are the buttons of the live card: the owner's moves, the
// approvers' while a step is open, and the production deploy whenever the
// state allows it (whether the window is open is said when clicked, since
// the card is not redrawn when a window opens).
func cardActions(c csr.CSR, owner []chat.Action) []chat.Action {
	order := []csr.Verb{csr.VerbTest, csr.VerbEvidence, csr.VerbSubmit, csr.VerbApprove, csr.VerbReject,
		csr.VerbDeploy, csr.VerbUnschedule, csr.VerbRevise, csr.VerbCancel, csr.VerbRollback}
	have := map[csr.Verb]chat.Action{}
	for _, a := range owner {
		if a.Verb != csr.VerbApprove && a.Verb != csr.VerbReject {
			have[a.Verb] = a
		}
	}
	add := func(v csr.Verb) {
		if _, ok := have[v]; !ok {
			have[v] = chat.Action{Verb: v, CSR: c.ID, Command: string(v) + " " + string(c.ID)}
		}
	}
	switch c.State {
	case csr.InApproval:
		add(csr.VerbApprove)
		add(csr.VerbReject)
	case csr.Approved, csr.DeployFailed:
		add(csr.VerbDeploy)
	}
	out := make([]chat.Action, 0, len(have))
	for _, v := range order {
		if a, ok := have[v]; ok {
			out = append(out, a)
		}
	}
	return out
}
