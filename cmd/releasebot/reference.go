package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"releasebot/commands"
	"releasebot/msg"
)

// writeMarkdown writes the command reference (the program's subcommands
// with their flags and environment, and the chat commands of the
// registry) from the definitions the program runs with, so the README's
// copy can be checked against it.
func writeMarkdown(w io.Writer) {
	fmt.Fprint(w, "### Program subcommands\n\n")
	for _, s := range subcommands {
		fmt.Fprintf(w, "#### `releasebot %s`\n\n%s.\n\n", strings.TrimSpace(s.name+" "+s.args), upperFirst(s.summary))
		if s.flags != nil {
			fs := flag.NewFlagSet(s.name, flag.ContinueOnError)
			s.flags(fs)
			fmt.Fprint(w, "| flag | default | meaning |\n|---|---|---|\n")
			fs.VisitAll(func(f *flag.Flag) {
				def := f.DefValue
				if f.Name == "config" {
					def = "config.yaml" // the default depends on the working directory; this is what it looks for first
				}
				if def != "" {
					def = "`" + def + "`"
				}
				fmt.Fprintf(w, "| `--%s` | %s | %s |\n", f.Name, def, cell(f.Usage))
			})
			fmt.Fprintln(w)
		}
		if len(s.env) > 0 {
			fmt.Fprintf(w, "Environment: `%s`.\n\n", strings.Join(s.env, "`, `"))
		}
	}
	fmt.Fprint(w, "### Chat commands\n\n| command | what it does | example |\n|---|---|---|\n")
	for _, s := range commands.Default().Specs() {
		fmt.Fprintf(w, "| `%s` | %s | `%s` |\n", cell(s.Usage), cell(msg.English.Render(msg.T(s.Summary))), cell(s.Example))
	}
}

// cell keeps a value inside one Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
