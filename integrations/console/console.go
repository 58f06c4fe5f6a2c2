package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"releasebot/bot"
	"releasebot/bot/chat"
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

// through sends everything printed to w until the returned func is called:
// the line editor, which keeps the line being typed whole around notices.
func (o *Out) through(w io.Writer) (restore func()) {
	o.mu.Lock()
	old := o.w
	o.w = w
	o.mu.Unlock()
	return func() {
		o.mu.Lock()
		o.w = old
		o.mu.Unlock()
	}
}

// terminal is the terminal Out writes to, if it writes to one.
func (o *Out) terminal() (*os.File, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f, ok := o.w.(*os.File)
	return f, ok && term.IsTerminal(int(f.Fd()))
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

// Languages are the installation's language and each person's own, when
// People knows them (*config.Config does): the console then speaks the
// acting person's language.
type Languages interface {
	Language() string
	PersonLanguage(p csr.Person) string // "" when not set
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

	// Ephemeral: the store is the embedded in-memory Redis, so leaving
	// loses it, and the console says so.
	Ephemeral bool

	actor csr.Person
	// actions are the numbered choices shown last to each person: a number
	// picks from the acting person's own, never from someone else's.
	actions map[csr.Person][]chat.Action
	// last is the CSR shown last, whose actions `as` shows for the new
	// person.
	last csr.ID
	// lang is the language `lang` chose for the session; "" follows the
	// acting person.
	lang string
}

// New returns a console acting as the first configured person.
func New(b *bot.Bot, runs Waiter, people People, r Renderer, out *Out, clk SettableClock) *Console {
	c := &Console{Bot: b, Runs: runs, People: people, Render: r, Out: out, Clock: clk, actions: map[csr.Person][]chat.Action{}}
	if ps := people.People(); len(ps) > 0 {
		c.actor = ps[0]
	}
	return c
}

func (c *Console) say(t msg.Text) { c.sayTo(c.actor, t) }

func (c *Console) sayTo(p csr.Person, t msg.Text) { c.Out.Print(c.renderFor(p).t(t) + "\n") }

// language is the language the console speaks to p, and why: the
// session's `lang`, else p's language in the config, else the
// installation's.
func (c *Console) language(p csr.Person) (string, msg.Text) {
	if c.lang != "" {
		return c.lang, msg.T(msg.ConsoleLangSession)
	}
	if l, ok := c.People.(Languages); ok {
		if own := l.PersonLanguage(p); own != "" {
			return own, msg.T(msg.ConsoleLangPerson, "person", string(p))
		}
	}
	return c.defaultLanguage(), msg.T(msg.ConsoleLangDefault)
}

func (c *Console) defaultLanguage() string {
	if l, ok := c.People.(Languages); ok {
		return l.Language()
	}
	return "en"
}

// renderFor is the renderer of what p reads; the installation's language
// is Render's own catalog, whichever catalog that is.
func (c *Console) renderFor(p csr.Person) Renderer {
	lang, _ := c.language(p)
	if lang == c.defaultLanguage() {
		return c.Render
	}
	r := c.Render
	r.Catalog = msg.CatalogFor(lang)
	return r
}

// setLanguage handles `lang`, `lang ko` and `lang en`.
func (c *Console) setLanguage(p csr.Person, arg string) {
	if arg == "" {
		lang, why := c.language(p)
		c.sayTo(p, msg.T(msg.ConsoleLangNow, "language", msg.T(msg.LanguageNames[lang]), "why", why))
		return
	}
	if _, ok := msg.LanguageNames[arg]; !ok {
		c.Out.Print(c.renderFor(p).Reply(chat.Reply{Refusal: &chat.Refusal{Rule: csr.RuleUnknownLanguage,
			Why: msg.T(msg.ConsoleLangBad, "value", arg), Next: msg.T(msg.ConsoleLangNext)}}))
		return
	}
	c.lang = arg
	c.sayTo(p, msg.T(msg.ConsoleLangSet, "language", msg.T(msg.LanguageNames[arg])))
}

func (c *Console) peopleList() msg.Text {
	var names []string
	for _, p := range c.People.People() {
		names = append(names, string(p))
	}
	return msg.And(names...)
}

// lineReader reads one line of input after showing a prompt.
type lineReader interface {
	ReadLine(prompt string) (string, error)
}

// plainReader reads lines as they come: a pipe, a file, a test.
type plainReader struct {
	sc  *bufio.Scanner
	out *Out
}

func (r plainReader) ReadLine(prompt string) (string, error) {
	r.out.Print(prompt)
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	return r.sc.Text(), nil
}

// editor is golang.org/x/term's line editor: arrows, history, and notices
// printed above the line being typed, which is drawn again after them.
type editor struct{ t *term.Terminal }

func (e editor) ReadLine(prompt string) (string, error) {
	e.t.SetPrompt(prompt)
	return e.t.ReadLine()
}

// newEditor edits lines read from in, echoing to w; while it runs, Out
// prints through it.
func newEditor(in io.Reader, w io.Writer, out *Out) (editor, func()) {
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, w}, "")
	return editor{t}, out.through(t)
}

// Interactive reads commands from in until EOF, `quit` or `exit`. On a
// terminal the line is edited (arrows, Ctrl-A/E, history with up and down)
// and notices from finishing deploys are printed above it without breaking
// it; anything else is read line by line.
func (c *Console) Interactive(ctx context.Context, in io.Reader) error {
	var r lineReader
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, ok := c.Out.terminal(); ok {
			state, err := term.MakeRaw(int(f.Fd()))
			if err != nil {
				return fmt.Errorf("console: put the terminal in raw mode: %w", err)
			}
			defer func() { _ = term.Restore(int(f.Fd()), state) }()
			ed, restore := newEditor(f, w, c.Out)
			defer restore()
			r = ed
		}
	}
	if r == nil {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		r = plainReader{sc: sc, out: c.Out}
	}
	return c.interact(ctx, r)
}

func (c *Console) interact(ctx context.Context, r lineReader) error {
	c.say(msg.T(msg.ConsoleWelcome, "person", string(c.actor), "people", c.peopleList()))
	defer c.bye()
	for {
		raw, err := r.ReadLine(string(c.actor) + "> ")
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		line := strings.TrimSpace(raw)
		switch {
		case line == "quit" || line == "exit":
			return nil
		case line == "":
		case isNumber(line):
			c.pick(ctx, line, func(what string) string {
				v, err := r.ReadLine(c.renderFor(c.actor).t(msg.T(msg.ConsoleAskFor, "what", what)))
				if err != nil {
					return ""
				}
				return strings.TrimSpace(v)
			})
		default:
			c.Line(ctx, c.actor, line)
		}
	}
}

// bye says what leaving means for the rehearsal's data.
func (c *Console) bye() {
	if c.Ephemeral {
		c.say(msg.T(msg.ConsoleBye))
		return
	}
	c.say(msg.T(msg.ConsoleByeKept))
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// pick runs the n-th action shown last, asking for its free-text input.
func (c *Console) pick(ctx context.Context, s string, ask func(what string) string) {
	n, _ := strconv.Atoi(s)
	mine := c.actions[c.actor]
	if n < 1 || n > len(mine) {
		c.say(msg.T(msg.ConsoleNoPick, "n", s, "person", string(c.actor)))
		return
	}
	a := mine[n-1]
	cmd := a.Command
	if what, _, ok := inputOf(a); ok {
		if v := ask(c.renderFor(c.actor).t(what)); v != "" {
			cmd += " " + strconv.Quote(v)
		}
	}
	c.Out.Print("→ " + cmd + "\n")
	c.Line(ctx, c.actor, cmd)
}

// Line runs one console line as person p: the console's own `as`,
// `clock`, `lang` and `help` additions, or a bot command, answered in p's
// language.
func (c *Console) Line(ctx context.Context, p csr.Person, line string) {
	if rest, ok := strings.CutPrefix(line, "lang"); ok && (rest == "" || rest[0] == ' ') {
		c.setLanguage(p, strings.TrimSpace(rest))
		return
	}
	if rest, ok := strings.CutPrefix(line, "as "); ok || line == "as" {
		if !ok {
			rest = ""
		}
		who := csr.Person(strings.TrimPrefix(strings.TrimSpace(rest), "@"))
		if !c.People.HasPerson(who) {
			why := msg.T(msg.RefuseMissingArg, "verb", "as", "arg", msg.T(msg.ArgPersonName))
			if who != "" {
				why = msg.T(msg.RefuseUnknownPerson, "person", string(who))
			}
			c.Out.Print(c.renderFor(p).Reply(chat.Reply{Refusal: &chat.Refusal{Rule: csr.RuleUnknownPerson, Why: why,
				Next: msg.T(msg.NextListPeople, "people", c.peopleList())}}))
			return
		}
		c.actor = who
		c.sayTo(who, msg.T(msg.ReplyActing, "person", string(who)))
		c.showActions(ctx, who)
		return
	}
	if rest, ok := strings.CutPrefix(line, "clock"); ok && c.Clock != nil && (rest == "" || rest[0] == ' ') {
		c.moveClock(p, strings.TrimSpace(rest))
		if c.AfterClock != nil {
			c.AfterClock(ctx)
		}
		return
	}
	out := c.Bot.Handle(ctx, chat.Event{User: string(p), Channel: "console", Text: line})
	c.Out.Print(c.renderFor(p).Reply(out.Reply))
	if line == "help" {
		c.sayTo(p, msg.T(msg.ConsoleHelp))
	}
	if out.Reply.Refusal == nil {
		c.actions[p] = out.Reply.Actions
		if out.Reply.Card != nil {
			c.last = out.Reply.Card.CSR.ID
		}
	}
}

// showActions shows what p may do to the CSR shown last, so the numbers
// after `as` are p's own.
func (c *Console) showActions(ctx context.Context, p csr.Person) {
	if c.last == "" {
		return
	}
	out := c.Bot.Handle(ctx, chat.Event{User: string(p), Channel: "console", Text: "show " + string(c.last)})
	if out.Reply.Refusal != nil {
		return
	}
	c.actions[p] = out.Reply.Actions
	if len(out.Reply.Actions) == 0 {
		c.sayTo(p, msg.T(msg.ConsoleNoActions, "person", string(p), "csr", string(c.last)))
		return
	}
	c.sayTo(p, msg.T(msg.ConsoleActionsFor, "person", string(p), "csr", string(c.last), "actions", c.Render.actionList(out.Reply.Actions)))
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
func (c *Console) moveClock(p csr.Person, arg string) {
	if arg != "" {
		t, err := commands.ParseWhen(arg, c.Clock.Now(), c.Render.Loc)
		if err != nil {
			var r *csr.Refusal
			if errors.As(err, &r) {
				c.Out.Print(c.renderFor(p).Reply(chat.Reply{Refusal: &chat.Refusal{Rule: r.Rule, Why: r.Why, Next: r.Next}}))
			}
			return
		}
		c.Clock.Set(t)
	}
	c.sayTo(p, msg.T(msg.ConsoleClock, "time", msg.At(c.Clock.Now().In(c.Render.Loc))))
}
