package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"releasebot/bot"
	"releasebot/chat"
	"releasebot/commands"
	"releasebot/csr"
	"releasebot/msg"
)

// Out is a writer shared by replies and notices from finishing deploys;
// the mutex keeps their lines whole.
type Out struct {
	mu sync.Mutex
	w  io.Writer
}

// NewOut wraps w.
func NewOut(w io.Writer) *Out { return &Out{w: w} }

// Print writes s atomically.
func (o *Out) Print(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = io.WriteString(o.w, s)
}

// Notifier prints notices to the console, as Slack would post them.
type Notifier struct {
	Out    *Out
	Render Renderer
}

// Notify prints one notice.
func (n Notifier) Notify(_ context.Context, no chat.Notice) error {
	n.Out.Print(n.Render.Notice(no))
	return nil
}

// People is who may act in the console.
type People interface {
	HasPerson(p csr.Person) bool
	People() []csr.Person
}

// Waiter waits for background deploy runs.
type Waiter interface{ Wait() }

// SettableClock is the clock the console may move with `clock`.
type SettableClock interface {
	Now() time.Time
	Set(t time.Time)
}

// Console runs the bot in a terminal.
type Console struct {
	Bot    *bot.Bot
	Runs   Waiter
	People People
	Render Renderer
	Out    *Out
	// Clock, when set, lets `clock TIME` move time to rehearse windows and
	// schedules.
	Clock SettableClock
	// AfterClock, when set, runs after `clock`: the scheduler ticks, so a
	// rehearsal sees the deploys and reminders that fell due.
	AfterClock func(ctx context.Context)

	actor   csr.Person
	actions []chat.Action
}

// New returns a console acting as the first configured person.
func New(b *bot.Bot, runs Waiter, people People, r Renderer, out *Out, clk SettableClock) *Console {
	c := &Console{Bot: b, Runs: runs, People: people, Render: r, Out: out, Clock: clk}
	if ps := people.People(); len(ps) > 0 {
		c.actor = ps[0]
	}
	return c
}

func (c *Console) say(t msg.Text) { c.Out.Print(c.Render.t(t) + "\n") }

func (c *Console) peopleList() string {
	var names []string
	for _, p := range c.People.People() {
		names = append(names, string(p))
	}
	return strings.Join(names, ", ")
}

// Interactive reads commands from in until EOF or `quit`.
func (c *Console) Interactive(ctx context.Context, in io.Reader) error {
	c.say(msg.T(msg.ConsoleWelcome, "person", string(c.actor), "people", c.peopleList()))
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	prompt := func() { c.Out.Print(string(c.actor) + "> ") }
	prompt()
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "quit" || line == "exit":
			return nil
		case line == "":
		case isNumber(line):
			c.pick(ctx, line, func(what string) string {
				c.Out.Print(c.Render.t(msg.T(msg.ConsoleAskFor, "what", what)))
				if !sc.Scan() {
					return ""
				}
				return strings.TrimSpace(sc.Text())
			})
		default:
			c.Line(ctx, c.actor, line)
		}
		prompt()
	}
	return sc.Err()
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// pick runs the n-th action shown last, asking for its free-text input.
func (c *Console) pick(ctx context.Context, s string, ask func(what string) string) {
	n, _ := strconv.Atoi(s)
	if n < 1 || n > len(c.actions) {
		c.say(msg.T(msg.ConsoleNoPick, "n", s))
		return
	}
	a := c.actions[n-1]
	cmd := a.Command
	if a.NeedsInput != "" {
		if v := ask(strings.TrimSuffix(a.NeedsInput, "?")); v != "" {
			cmd += " " + strconv.Quote(v)
		}
	}
	c.Out.Print("→ " + cmd + "\n")
	c.Line(ctx, c.actor, cmd)
}

// Line runs one console line as person p: the console's own `as` and
// `help` additions, or a bot command.
func (c *Console) Line(ctx context.Context, p csr.Person, line string) {
	if rest, ok := strings.CutPrefix(line, "as "); ok || line == "as" {
		if !ok {
			rest = ""
		}
		who := csr.Person(strings.TrimPrefix(strings.TrimSpace(rest), "@"))
		if !c.People.HasPerson(who) {
			why := msg.T(msg.RefuseMissingArg, "verb", "as", "arg", "a person's name")
			if who != "" {
				why = msg.T(msg.RefuseUnknownPerson, "person", string(who))
			}
			c.Out.Print(c.Render.Reply(chat.Reply{Refusal: &chat.Refusal{Rule: "unknown-person", Why: why,
				Next: msg.T(msg.NextListPeople, "people", c.peopleList())}}))
			return
		}
		c.actor = who
		c.say(msg.T(msg.ReplyActing, "person", string(who)))
		return
	}
	if rest, ok := strings.CutPrefix(line, "clock"); ok && c.Clock != nil && (rest == "" || rest[0] == ' ') {
		c.moveClock(strings.TrimSpace(rest))
		if c.AfterClock != nil {
			c.AfterClock(ctx)
		}
		return
	}
	out := c.Bot.Handle(ctx, chat.Event{User: string(p), Channel: "console", Text: line})
	c.Out.Print(c.Render.Reply(out.Reply))
	if line == "help" {
		c.say(msg.T(msg.ConsoleHelp))
	}
	if out.Reply.Refusal == nil {
		c.actions = out.Reply.Actions
	}
}

// ScriptError is a problem with the script file itself (not with a command
// in it, which the bot answers like any other).
type ScriptError struct {
	Name string
	Line int
	Text string
}

func (e *ScriptError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Text)
}

var scriptLine = regexp.MustCompile(`^([a-z][a-z0-9._-]{0,31}):\s*(.*)$`)

type step struct {
	line   int
	person csr.Person
	text   string
}

// Script runs a rehearsal script: lines "NAME: command", "# comments" and
// blank lines. The whole file is checked before anything runs, so a typo on
// line 40 does not leave a half-walked CSR behind. After each command the
// script waits for the deploys it started, so the next line sees their
// result.
func (c *Console) Script(ctx context.Context, name string, r io.Reader) error {
	var steps []step
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		m := scriptLine.FindStringSubmatch(text)
		if m == nil {
			return &ScriptError{Name: name, Line: n, Text: `expected "NAME: command" or "# comment"`}
		}
		if m[2] == "" {
			return &ScriptError{Name: name, Line: n, Text: "no command after " + m[1] + ":"}
		}
		steps = append(steps, step{line: n, person: csr.Person(m[1]), text: m[2]})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read script %s: %w", name, err)
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.Out.Print(fmt.Sprintf("\n%s> %s\n", s.person, s.text))
		c.Line(ctx, s.person, s.text)
		c.Runs.Wait()
	}
	return nil
}

// moveClock handles `clock`, `clock +2h`, `clock 22:30` and
// `clock 2026-12-01T22:30` (in the console's time zone).
func (c *Console) moveClock(arg string) {
	if arg != "" {
		t, err := commands.ParseWhen(arg, c.Clock.Now(), c.Render.Loc)
		if err != nil {
			var r *csr.Refusal
			if errors.As(err, &r) {
				c.Out.Print(c.Render.Reply(chat.Reply{Refusal: &chat.Refusal{Rule: r.Rule, Why: r.Why, Next: r.Next}}))
			}
			return
		}
		c.Clock.Set(t)
	}
	c.say(msg.T(msg.ConsoleClock, "time", c.Clock.Now().In(c.Render.Loc).Format("Mon 2006-01-02 15:04 MST")))
}
