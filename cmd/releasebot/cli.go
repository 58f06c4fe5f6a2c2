package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
)

// subcommand is one verb of the program's command line: the help texts,
// the markdown reference and the flags the verb parses come from this one
// definition (flags declares them on the verb's own FlagSet).
type subcommand struct {
	name    string // "config check"
	args    string // positional arguments, "FILE"
	summary string
	flags   func(fs *flag.FlagSet)
	env     []string // environment variables it reads
}

// Environment variables every verb that opens the store reads.
var storeEnv = []string{"REDIS_URL", "REDIS_PREFIX", "RELEASEBOT_CONFIG", "LOG_LEVEL", "LOG_FORMAT"}

// subcommands in the order `releasebot help` lists them.
var subcommands = []subcommand{
	{name: "console", summary: "rehearse the release flow in a terminal (the default without SLACK_BOT_TOKEN)",
		flags: func(fs *flag.FlagSet) { declareConsole(fs) }, env: storeEnv},
	{name: "serve", summary: "run the bot in Slack, Socket Mode or HTTP (the default when SLACK_BOT_TOKEN is set)",
		flags: func(fs *flag.FlagSet) { declareServe(fs) },
		env: append(append([]string(nil), storeEnv...), "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
			"GITHUB_TOKEN", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY_FILE", "GITHUB_APP_INSTALLATION_ID", "GITHUB_API_URL",
			"GITHUB_WEBHOOK_SECRET", "DEPLOY_WEBHOOK_SECRET")},
	{name: "config check", args: "FILE", summary: "validate a config file, naming the line and field of every problem"},
	{name: "doctor", summary: "check config, Redis, Slack and GitHub, and say what to fix",
		flags: func(fs *flag.FlagSet) { declareDoctor(fs) }, env: []string{"REDIS_URL", "REDIS_PREFIX", "RELEASEBOT_CONFIG",
			"SLACK_BOT_TOKEN", "SLACK_API_URL", "GITHUB_TOKEN", "GITHUB_API_URL"}},
	{name: "healthcheck", summary: "exit 0 when a running bot answers its liveness endpoint (for container health checks)",
		flags: func(fs *flag.FlagSet) { declareHealthcheck(fs) }},
	{name: "audit", summary: "export every transition in a time range from the audit stream, as CSV or JSON",
		flags: func(fs *flag.FlagSet) { declareAudit(fs) }, env: []string{"REDIS_URL", "REDIS_PREFIX"}},
	{name: "stats", args: "[SERVICE]", summary: "release figures: deploys per week, lead time, change failure rate, time to restore, wait per approval step",
		flags: func(fs *flag.FlagSet) { declareStats(fs) }, env: []string{"REDIS_URL", "REDIS_PREFIX"}},
	{name: "version", summary: "print the module version, VCS commit and build time of this binary"},
	{name: "help", args: "[SUBCOMMAND]", summary: "list the subcommands, or explain one; --markdown writes the reference",
		flags: func(fs *flag.FlagSet) { fs.Bool("markdown", false, "write the command reference in Markdown") }},
}

func lookupSubcommand(name string) (subcommand, bool) {
	for _, s := range subcommands {
		if s.name == name || strings.HasPrefix(s.name, name+" ") {
			return s, true
		}
	}
	return subcommand{}, false
}

// newFlags makes a verb's FlagSet: errors go to stderr, and -h/--help is
// answered by parseFlags with the verb's help on stdout.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args; done says the verb must return code now: 0
// after printing its help (-h, --help), 2 after a bad flag.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		if s, ok := lookupSubcommand(fs.Name()); ok {
			printSubcommandHelp(stdout, s)
		}
		return 0, true
	case err != nil:
		fmt.Fprintf(fs.Output(), "run `releasebot help %s` for its flags\n", fs.Name())
		return 2, true
	}
	return 0, false
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "releasebot: a ChatOps release bot.\n\nusage: releasebot [SUBCOMMAND] [flags]\n\nsubcommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range subcommands {
		fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace(s.name+" "+s.args), s.summary)
	}
	_ = tw.Flush()
	fmt.Fprint(w, "\n`releasebot help SUBCOMMAND` (or `releasebot SUBCOMMAND --help`) explains one.\n")
}

func printSubcommandHelp(w io.Writer, s subcommand) {
	fmt.Fprintf(w, "usage: releasebot %s", s.name)
	if s.flags != nil {
		fmt.Fprint(w, " [flags]")
	}
	if s.args != "" {
		fmt.Fprint(w, " "+s.args)
	}
	fmt.Fprintf(w, "\n\n%s.\n", upperFirst(s.summary))
	if s.flags != nil {
		fs := flag.NewFlagSet(s.name, flag.ContinueOnError)
		s.flags(fs)
		fmt.Fprint(w, "\nflags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	if len(s.env) > 0 {
		fmt.Fprintf(w, "\nenvironment: %s\n", strings.Join(s.env, ", "))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// runHelp answers `releasebot help [SUBCOMMAND] [--markdown]`.
func runHelp(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("help", stderr)
	markdown := fs.Bool("markdown", false, "write the command reference in Markdown")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *markdown {
		writeMarkdown(stdout)
		return 0
	}
	if fs.NArg() == 0 {
		printUsage(stdout)
		return 0
	}
	name := strings.Join(fs.Args(), " ")
	s, ok := lookupSubcommand(name)
	if !ok {
		fmt.Fprintf(stderr, "releasebot: no subcommand %q\n", name)
		printUsage(stderr)
		return 2
	}
	printSubcommandHelp(stdout, s)
	return 0
}

// Set at link time by `make build` (-X main.buildTime=… -X
// main.buildCommit=…): the Go toolchain records the commit and its time,
// not when it built, and records nothing where the build has no .git (the
// Docker build context), so the Makefile passes the commit too.
var buildTime, buildCommit string

func runVersion(stdout io.Writer) int {
	bi, _ := debug.ReadBuildInfo()
	if buildCommit != "" && bi != nil && !slices.ContainsFunc(bi.Settings, func(s debug.BuildSetting) bool { return s.Key == "vcs.revision" }) {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs.revision", Value: buildCommit})
	}
	fmt.Fprint(stdout, versionText(bi, buildTime))
	return 0
}

// versionText says which build this is: module version, VCS commit (and
// whether the tree had uncommitted changes), commit time, build time and
// Go version.
func versionText(bi *debug.BuildInfo, built string) string {
	version, commit, committed, modified, goVersion := "(devel)", "unknown", "", false, "unknown"
	if bi != nil {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				committed = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		commit += " (with uncommitted changes)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "releasebot %s\n", version)
	fmt.Fprintf(&b, "commit     %s\n", commit)
	if committed != "" {
		fmt.Fprintf(&b, "committed  %s\n", committed)
	}
	if built == "" {
		built = "unknown (not built by `make build`)"
	}
	fmt.Fprintf(&b, "built      %s\n", built)
	fmt.Fprintf(&b, "go         %s\n", goVersion)
	return b.String()
}
