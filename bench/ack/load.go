package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"releasebot/csr"
	"releasebot/integrations/slack"
	"releasebot/msg"
)

// request is one Slack request: the same bytes go to the bot and to the
// floor; only the signature's timestamp is taken when it is sent.
type request struct {
	path string
	body []byte
}

// Placeholders of a click template, replaced per request.
const (
	phTrigger  = "ZZTRIGGERZZ"
	phActionTS = "ZZACTIONTSZZ"
)

// benchChannel is where the slash commands are typed.
const benchChannel = "C0TEAM0001"

// gen builds the load: slash commands and button clicks as Slack sends
// them, each with a trigger id (and action_ts) of its own, so the bot's
// idempotency claim sees new deliveries, not retries.
type gen struct {
	fake  *fakeSlack
	nonce string
	seed  uint64
	seq   atomic.Uint64
	slash url.Values // the fixture's fields; read only

	draft, approval []csr.ID
	all             []csr.ID
	clicks          map[string][]string // kind -> url-encoded payloads with placeholders
	table           [1000]uint8         // permille -> index into mix
}

// mix is what people do, in permille of the requests. Reads dominate; some
// commands and clicks change state (the lead's approvals, test deploys,
// and a few new CSRs and evidence: few, so that what `list` and `show`
// read does not grow during the run and the loads can be compared); many
// clicks and commands are refused (a person who may not do it), which is
// work too: a claim taken and given back and an explanation sent. The
// state-changing clicks are made once per CSR, then they are double clicks
// the idempotency claim drops, as Slack users make them.
var mix = []struct {
	permille int
	name     string
	build    func(g *gen, rng *rand.Rand) request
}{
	{250, "/release show CSR-n", func(g *gen, rng *rand.Rand) request {
		return g.slashCmd(pick(rng, everyone), "show "+string(pick(rng, g.all)))
	}},
	{140, "/release next CSR-n", func(g *gen, rng *rand.Rand) request {
		return g.slashCmd(pick(rng, everyone), "next "+string(pick(rng, g.all)))
	}},
	{100, "/release list", func(g *gen, rng *rand.Rand) request {
		return g.slashCmd(pick(rng, everyone), pick(rng, []string{"list", "list mine", "list waiting"}))
	}},
	{80, "/release help (answered in the ack)", func(g *gen, rng *rand.Rand) request {
		return g.slashCmd(pick(rng, everyone), "help")
	}},
	{50, "/release history CSR-n", func(g *gen, rng *rand.Rand) request {
		return g.slashCmd(pick(rng, everyone), "history "+string(pick(rng, g.all)))
	}},
	{50, "/release approve CSR-n (carol, not her step yet: refused)", func(g *gen, rng *rand.Rand) request {
		return g.slashCmd(carol, "approve "+string(pick(rng, g.approval)))
	}},
	{2, "/release new … (creates a CSR and its card)", func(g *gen, rng *rand.Rand) request {
		return g.slashCmd(alice, fmt.Sprintf(`new billing-api "Bench change %d" --ref main --effort 2h`, g.seq.Add(1)))
	}},
	{2, "/release evidence CSR-n URL (adds evidence)", func(g *gen, rng *rand.Rand) request {
		n := g.seq.Add(1)
		return g.slashCmd(frank, fmt.Sprintf(`evidence %s https://ci.example.com/run/%d "regression suite green"`, pick(rng, g.draft), n))
	}},
	{150, "click Approve on a card (the requester: refused)", func(g *gen, rng *rand.Rand) request { return g.click(rng, "approve-requester") }},
	{50, "click Approve in the lead's DM (first approves, then double clicks)", func(g *gen, rng *rand.Rand) request { return g.click(rng, "approve-lead") }},
	{100, "click Run test deploy (not the requester: refused)", func(g *gen, rng *rand.Rand) request { return g.click(rng, "test-other") }},
	{26, "click Run test deploy (the requester: deploys, then double clicks)", func(g *gen, rng *rand.Rand) request {
		return g.click(rng, "test-requester")
	}},
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func newGen(fake *fakeSlack) (*gen, error) {
	v, err := url.ParseQuery(string(fixture("slash-command.bolt-python.txt")))
	if err != nil {
		return nil, err
	}
	b := make([]byte, 4)
	_, _ = crand.Read(b)
	g := &gen{fake: fake, nonce: hex.EncodeToString(b), slash: v, clicks: map[string][]string{}}
	g.seed = uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
	i := 0
	for k, m := range mix {
		for range m.permille {
			g.table[i] = uint8(k)
			i++
		}
	}
	if i != len(g.table) {
		return nil, fmt.Errorf("the mix adds up to %d ‰, not 1000", i)
	}
	return g, nil
}

// next is a request of the mix.
func (g *gen) next(rng *rand.Rand) request {
	return mix[g.table[rng.IntN(len(g.table))]].build(g, rng)
}

// trigger is a new trigger id, shaped like Slack's.
func (g *gen) trigger() string {
	n := g.seq.Add(1)
	return strconv.FormatUint(4916855695380+n, 10) + "." + strconv.FormatUint(n, 10) + "." + g.nonce
}

// slashCmd is `/release TEXT` typed by user: the fixture's form with this
// command's fields.
func (g *gen) slashCmd(user, text string) request {
	trigger := g.trigger()
	v := make(url.Values, len(g.slash)+1)
	for k, vs := range g.slash {
		v[k] = vs // Set below replaces slices, never writes into them
	}
	v.Set("user_id", user)
	v.Set("channel_id", benchChannel)
	v.Set("channel_name", "releases")
	v.Set("command", "/release")
	v.Set("text", text)
	v.Set("trigger_id", trigger)
	v.Set("response_url", g.fake.responseURL(trigger))
	return request{path: slack.PathCommands, body: []byte(v.Encode())}
}

// addClick makes a template of user clicking the button actionID of a
// message as Slack shows it (its real blocks): the fixture's block_actions
// payload with this message, button and person.
func (g *gen) addClick(kind, user, channel, ts string, blocks json.RawMessage, actionID string) error {
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		return err
	}
	blockID, value, ok := findButton(bs, actionID)
	if !ok {
		return fmt.Errorf("%s: no %q button on message %s %s", kind, actionID, channel, ts)
	}
	var p map[string]any
	if err := json.Unmarshal(fixture("interaction.block_actions.message-button.json"), &p); err != nil {
		return err
	}
	p["user"] = map[string]any{"id": user}
	p["trigger_id"] = phTrigger
	p["response_url"] = g.fake.responseURL(phTrigger)
	p["container"].(map[string]any)["channel_id"] = channel
	p["container"].(map[string]any)["message_ts"] = ts
	p["channel"] = map[string]any{"id": channel}
	p["message"].(map[string]any)["ts"] = ts
	p["message"].(map[string]any)["blocks"] = blocks
	act := p["actions"].([]any)[0].(map[string]any)
	act["action_id"], act["block_id"], act["value"], act["action_ts"] = actionID, blockID, value, phActionTS
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	g.clicks[kind] = append(g.clicks[kind], url.Values{"payload": {string(raw)}}.Encode())
	return nil
}

func findButton(blocks []map[string]any, actionID string) (blockID, value string, ok bool) {
	for _, bl := range blocks {
		if bl["type"] != "actions" {
			continue
		}
		els, _ := bl["elements"].([]any)
		for _, e := range els {
			el, _ := e.(map[string]any)
			if el["action_id"] == actionID {
				blockID, _ = bl["block_id"].(string)
				value, _ = el["value"].(string)
				return blockID, value, true
			}
		}
	}
	return "", "", false
}

func (g *gen) click(rng *rand.Rand, kind string) request {
	n := g.seq.Add(1)
	s := strings.ReplaceAll(pick(rng, g.clicks[kind]), phTrigger, g.trigger())
	s = strings.ReplaceAll(s, phActionTS, fmt.Sprintf("1700000100.%06d", n%1e6))
	return request{path: slack.PathInteractions, body: []byte(s)}
}

// outcome is how a request was answered.
type outcome int

const (
	answered outcome = iota // 2xx, not busy
	busy                    // "busy": 503, or a 200 whose answer is the busy message
	non2xx                  // any other status
	failed                  // no answer: connection error, timeout
)

// busyText is the acknowledgement of a command the bot had no room for.
var busyText = []byte(msg.English.Render(msg.T(msg.SlackBusy)))

// target is an endpoint under load, with its own connection pool.
type target struct {
	name   string
	base   string
	client *http.Client
	secret slack.Secret
}

func newTarget(name, base string, conns int, secret slack.Secret) *target {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        0, // no limit
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &target{name: name, base: base, secret: secret, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (t *target) close() { t.client.CloseIdleConnections() }

// prepare builds and signs the HTTP request, as Slack does before sending.
func (t *target) prepare(ctx context.Context, r request) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+r.path, bytes.NewReader(r.body))
	if err != nil {
		panic(err) // a fixed loopback URL: cannot happen
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slack.SignRequest(req, t.secret, time.Now(), r.body)
	return req
}

// do sends a prepared request and reads the whole answer.
func (t *target) do(req *http.Request, buf *bytes.Buffer) (outcome, error) {
	resp, err := t.client.Do(req)
	if err != nil {
		return failed, err
	}
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return failed, err
	}
	switch {
	case resp.StatusCode == http.StatusServiceUnavailable:
		return busy, nil
	case resp.StatusCode/100 != 2:
		return non2xx, fmt.Errorf("%s answered %d: %.100s", req.URL.Path, resp.StatusCode, buf.Bytes())
	case bytes.Contains(buf.Bytes(), busyText):
		return busy, nil
	}
	return answered, nil
}

// stats are one load's results against one target.
type stats struct {
	load, target string
	lat          *hist // acknowledgement latency
	lag          *hist // open loop: how late after its scheduled time a send started
	counts       [4]atomic.Int64
	elapsed      time.Duration
	// CPU used during the measurement, in cores: by this process, and by
	// everything else on the machine (Redis, and whatever else runs).
	cpuSelf, cpuOther float64
	cpuOK             bool

	errMu    sync.Mutex
	firstErr error
}

func newStats(load, target string) *stats {
	return &stats{load: load, target: target, lat: new(hist), lag: new(hist)}
}

func (s *stats) add(o outcome, err error, d time.Duration) {
	s.counts[o].Add(1)
	s.lat.record(d)
	if err != nil {
		s.errMu.Lock()
		if s.firstErr == nil {
			s.firstErr = err
		}
		s.errMu.Unlock()
	}
}

func (s *stats) n(o outcome) int64 { return s.counts[o].Load() }

func (s *stats) requests() int64 { return int64(s.lat.count()) }

func (s *stats) rps() float64 {
	if s.elapsed <= 0 {
		return 0
	}
	return float64(s.requests()) / s.elapsed.Seconds()
}

// closedLoop runs conc senders, each sending its next request as soon as
// the last is answered, for d. Latency is from send to the end of the
// answer. Requests in flight at the end are finished and counted.
func closedLoop(ctx context.Context, g *gen, t *target, st *stats, conc int, d time.Duration) {
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range conc {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(g.seed, uint64(i)))
			var buf bytes.Buffer
			for ctx.Err() == nil && time.Now().Before(deadline) {
				req := t.prepare(ctx, g.next(rng))
				t0 := time.Now()
				o, err := t.do(req, &buf)
				st.add(o, err, time.Since(t0))
			}
		})
	}
	wg.Wait()
	st.elapsed = time.Since(start)
}

// openLoop sends rate requests a second for d, each at its scheduled time
// whatever happened to the ones before, from a pool of workers senders.
// Latency is measured from the scheduled time, so a stall delays the sends
// behind it and is counted in their latency too (no coordinated omission).
func openLoop(ctx context.Context, g *gen, t *target, st *stats, rate int, d time.Duration, workers int) {
	interval := time.Second / time.Duration(rate)
	n := int(d / interval)
	due := make(chan time.Time, workers)
	start := time.Now().Add(5 * time.Millisecond)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(g.seed, uint64(i)))
			var buf bytes.Buffer
			for at := range due {
				req := t.prepare(ctx, g.next(rng))
				st.lag.record(time.Since(at))
				o, err := t.do(req, &buf)
				st.add(o, err, time.Since(at))
			}
		})
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
send:
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				break send
			}
		}
		select {
		case due <- at:
		case <-ctx.Done():
			break send
		}
	}
	close(due)
	wg.Wait()
	st.elapsed = time.Since(start)
}
