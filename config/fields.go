package config

import (
	"fmt"
	"maps"
	"slices"
)

// Type is what a field's value is in the YAML file.
type Type string

// The types of fields.
const (
	String   Type = "string"
	Integer  Type = "integer"
	Boolean  Type = "boolean"
	Duration Type = "duration" // a Go duration: 2s, 1m30s, 12h
	List     Type = "list"     // of Item
	Mapping  Type = "mapping"  // of the named Fields (and, by kind, Variants)
	Map      Type = "map"      // of free keys (Key describes them) to Item
)

// Field is one field of the config file: the single table the decoder's
// known-field checks, the README's config reference (Reference) and the
// JSON Schema (JSONSchema) all come from, so none of them can drift from
// what the decoder accepts.
//
// To add a field: add a Field to the Fields of its mapping below (in the
// order the reference should show it), read it in the decoder from the
// map d.fields returns (f["name"]), then run
// `go test ./config -run 'TestReference|TestSchema' -update` to refresh
// README.md and config.schema.json.
type Field struct {
	Name     string
	Type     Type
	Required bool
	Doc      string   // one sentence or two for the reference
	Enum     []string // the only values allowed, if set
	Pattern  *pattern // the value's shape, for strings (and map keys, with Key)
	Default  string   // what an absent field means, for the reference
	// Item is a List's element or a Map's value.
	Item *Field
	// Key describes a Map's keys.
	Key *pattern
	// Fields are a Mapping's fields.
	Fields []Field
	// Variants are, for a Mapping with an Enum'd "kind" field, the further
	// fields each kind has (the deployer).
	Variants map[string][]Field
	// Short names the field of a Mapping that a single value may stand
	// for, so that the common case stays one word (a person's Slack id).
	Short string
}

var (
	duration  = func(name, doc string) Field { return Field{Name: name, Type: Duration, Doc: doc} }
	anyString = &Field{Type: String}
	timeout   = duration("timeout", "How long a run may take before it is given up.")
	poll      = duration("poll", "How often the run's state is polled.")
)

// Schema is the config file's top-level mapping.
var Schema = Field{Type: Mapping, Doc: "A releasebot config file.", Fields: []Field{
	{Name: "timezone", Type: String, Required: true, Doc: "IANA time zone deploy windows, freezes and schedules are read in (never Local)."},
	{Name: "csr_prefix", Type: String, Pattern: &prefixPat, Default: "CSR", Doc: "The prefix of CSR ids (CSR-12); pick it once."},
	{Name: "language", Type: String, Enum: Languages, Default: "en", Doc: "The language the bot speaks: en (English) or ko (Korean, 한국어). Channel messages (cards, notices, reminders) are in it; what one person alone reads is in their `people` language, else their Slack language (English or Korean), else this one."},
	{Name: "admins", Type: List, Item: &Field{Type: String, Pattern: &personPat}, Doc: "People (from people) who may override a freeze and act on any CSR."},
	{Name: "people", Type: Map, Required: true, Key: &personPat, Item: &personField,
		Doc: "Everyone the bot knows: short name to Slack user id (`alice: U0123ABCD`), or to a mapping that also sets the person's language (`alice: {slack: U0123ABCD, language: ko}`)."},
	{Name: "groups", Type: Map, Key: &namePat, Item: &Field{Type: List, Item: &Field{Type: String, Pattern: &personPat}},
		Doc: "Named lists of people, referred to as `group:<name>` in approvers."},
	{Name: "services", Type: List, Required: true, Item: &serviceField, Doc: "The services CSRs are opened for."},
	{Name: "reminders", Type: List, Item: &reminderField, Doc: "Reports posted to a channel on a cron schedule."},
	{Name: "slack_usergroups", Type: Map, Key: &namePat, Item: &Field{Type: String, Pattern: &usergroupPat},
		Doc: "Groups (from groups) whose members follow a Slack user group id."},
}}

var personField = Field{Type: Mapping, Short: "slack", Fields: []Field{
	{Name: "slack", Type: String, Required: true, Pattern: &slackPat, Doc: "The person's Slack user id."},
	{Name: "language", Type: String, Enum: Languages, Default: "their Slack language, else the top-level language",
		Doc: "The language of what the bot tells this person alone (direct messages, answers only they see, their forms and Home tab); channel messages keep the top-level language."},
}}

var serviceField = Field{Type: Mapping, Fields: []Field{
	{Name: "name", Type: String, Required: true, Pattern: &namePat, Doc: "The service's name, as typed in commands."},
	{Name: "repo", Type: String, Required: true, Pattern: &repoPat, Doc: "Its GitHub repository, owner/name."},
	{Name: "channel", Type: String, Required: true, Pattern: &channelPat, Doc: "The Slack channel its CSR cards are posted in."},
	{Name: "environments", Type: List, Required: true, Item: &environmentField,
		Doc: "At least two, in promotion order: the first takes test deploys, the last is production."},
	{Name: "approval_line", Type: List, Required: true, Item: &stepField, Doc: "Approval steps, each opening when the one before is complete."},
	{Name: "evidence_required", Type: Boolean, Default: "false", Doc: "Whether a CSR needs test evidence before it is submitted."},
	{Name: "deploy_window", Type: Mapping, Fields: windowFields, Default: "any time", Doc: "When production deploys may start."},
	{Name: "freezes", Type: List, Item: &freezeField, Doc: "Periods without production deploys (an admin may override one)."},
	{Name: "rollback_by", Type: List, Item: &Field{Type: String}, Default: "requester, assignee, last_step, admins",
		Doc: "Who may roll back a deployed CSR (always with a reason): the roles requester, assignee, last_step (the approvers of the line's last step) and admins, and people or group:NAME."},
}}

var environmentField = Field{Type: Mapping, Fields: []Field{
	{Name: "name", Type: String, Required: true, Pattern: &namePat, Doc: "The environment's name."},
	{Name: "deployer", Type: Mapping, Required: true, Fields: []Field{
		{Name: "kind", Type: String, Required: true, Enum: []string{"fake", "command", "webhook", "github-actions", "github-deployment"},
			Doc: "How runs of this environment are deployed; the other fields depend on it."},
	}, Variants: deployerVariants, Doc: "How the environment is deployed: its kind and that kind's settings."},
}}

var deployerVariants = map[string][]Field{
	"fake": {
		duration("delay", "How long the pretended deploy takes."),
		{Name: "outcome", Type: String, Enum: []string{"success", "failure"}, Default: "success", Doc: "How the pretended deploy ends."},
	},
	"command": {
		{Name: "argv", Type: List, Required: true, Item: anyString, Doc: "The program and its arguments, run without a shell."},
		{Name: "dir", Type: String, Doc: "The directory it runs in."},
		timeout,
		{Name: "tail_lines", Type: Integer, Default: "20", Doc: "How many last output lines are kept on the run (1 to 200)."},
		{Name: "pass_env", Type: List, Item: &Field{Type: String, Pattern: &envNamePat}, Doc: "Variables of the bot's environment the program may see."},
	},
	"webhook": {
		{Name: "url", Type: String, Required: true, Doc: "Where the run is POSTed (http or https)."},
		{Name: "status_url", Type: String, Doc: "Polled for the result; {run} is replaced by the run id."},
		{Name: "callback_url", Type: String, Doc: "The bot's /deploy/callback, told to the receiver."},
		timeout, poll,
	},
	"github-actions": {
		{Name: "workflow", Type: String, Required: true, Pattern: &workflowPat, Doc: "The workflow file name (deploy.yml) or id."},
		{Name: "inputs", Type: Map, Key: &inputNamePat, Item: anyString, Doc: "Extra workflow inputs (the workflow must declare each)."},
		{Name: "environment", Type: String, Pattern: &ghEnvPat, Doc: "The GitHub environment (default: the releasebot environment's name)."},
		{Name: "approve_reviews", Type: Boolean, Default: "false", Doc: "Whether the final chat approval also approves the environment's required reviewers' wait."},
		timeout, poll,
		duration("review_timeout", "How long a run may wait for required reviewers before it is cancelled (default 24h)."),
	},
	"github-deployment": {
		{Name: "environment", Type: String, Pattern: &ghEnvPat, Doc: "The GitHub environment (default: the releasebot environment's name)."},
		{Name: "task", Type: String, Default: "deploy", Doc: "The deployment's task."},
		timeout, poll,
	},
}

var stepField = Field{Type: Mapping, Fields: []Field{
	{Name: "name", Type: String, Required: true, Pattern: &namePat, Doc: "The step's name."},
	{Name: "approvers", Type: List, Required: true, Item: anyString, Doc: "People, or `group:<name>`, who may approve at this step."},
	{Name: "required", Type: Integer, Default: "1", Doc: "How many distinct approvers of the step must approve."},
}}

var windowFields = []Field{
	{Name: "days", Type: List, Required: true, Item: &Field{Type: String, Enum: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}},
		Doc: "The days the window opens on."},
	{Name: "start", Type: String, Required: true, Pattern: &clockPat, Doc: "When it opens, HH:MM."},
	{Name: "end", Type: String, Required: true, Pattern: &clockPat, Doc: "When it closes, HH:MM (before start: the next day)."},
	{Name: "timezone", Type: String, Doc: "Its zone (default: the top-level timezone); the service's freezes are read in it too."},
}

var freezeField = Field{Type: Mapping, Fields: []Field{
	{Name: "from", Type: String, Required: true, Doc: "When it starts, YYYY-MM-DD HH:MM."},
	{Name: "until", Type: String, Required: true, Doc: "When it ends (exclusive), YYYY-MM-DD HH:MM."},
	{Name: "reason", Type: String, Required: true, Doc: "Why, shown to whoever is refused."},
}}

var reminderField = Field{Type: Mapping, Fields: []Field{
	{Name: "name", Type: String, Required: true, Pattern: &namePat, Doc: "The reminder's name."},
	{Name: "kind", Type: String, Required: true, Enum: reminderKinds, Doc: "What it reports."},
	{Name: "schedule", Type: String, Required: true, Doc: "A cron schedule (five fields, @daily or @every 1h), optionally CRON_TZ=Zone first."},
	{Name: "channel", Type: String, Required: true, Pattern: &channelPat, Doc: "Where it posts."},
	{Name: "services", Type: List, Item: anyString, Default: "all", Doc: "The services it reports on."},
	duration("older_than", "waiting_approvals and stuck: report only what has waited this long."),
	{Name: "within", Type: Duration, Default: "24h", Doc: "scheduled_deploys and freezes: how far ahead to look."},
}}

// known returns the fields of the mapping at path (field names, a list's
// items and a map's values are stepped through) mapped to whether each is
// required: the decoder's known-field list. A path the table lacks is a
// programming error, which every test that decodes a config finds.
func known(path ...string) map[string]bool {
	f := Schema
	for _, name := range path {
		f = *lookupField(f.Fields, name)
		for f.Item != nil {
			f = *f.Item
		}
	}
	return requiredOf(f.Fields)
}

// knownVariant is known(path...) plus the fields of the given kind.
func knownVariant(kind string, path ...string) (map[string]bool, bool) {
	f := Schema
	for _, name := range path {
		f = *lookupField(f.Fields, name)
		for f.Item != nil {
			f = *f.Item
		}
	}
	v, ok := f.Variants[kind]
	if !ok {
		return nil, false
	}
	out := requiredOf(f.Fields)
	maps.Copy(out, requiredOf(v))
	return out, true
}

func lookupField(fs []Field, name string) *Field {
	i := slices.IndexFunc(fs, func(f Field) bool { return f.Name == name })
	if i < 0 {
		panic(fmt.Sprintf("config: no field %q in the table (fields.go)", name))
	}
	return &fs[i]
}

func requiredOf(fs []Field) map[string]bool {
	out := make(map[string]bool, len(fs))
	for _, f := range fs {
		out[f.Name] = f.Required
	}
	return out
}
