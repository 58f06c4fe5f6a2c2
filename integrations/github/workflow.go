package github

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"releasebot/msg"
)

// markerExpr finds the run id marker in a run-name.
var markerExpr = regexp.MustCompile(`\$\{\{[^}]*\b(?:github\.event\.)?inputs\.` + MarkerInput + `\b[^}]*\}\}`)

// WorkflowProblems checks a workflow file against what the bot's dispatch
// needs, as GitHub would judge the dispatch: an on.workflow_dispatch
// trigger; every input in sent declared (GitHub refuses undeclared ones:
// 422 Unexpected inputs provided); no required input without a default
// that the bot does not send; and a run-name that shows
// ${{ inputs.releasebot_run }}, by which the bot recognizes its run. Each
// problem says what to fix; none means the workflow fits.
func WorkflowProblems(file []byte, sent []string) []msg.Text {
	var doc yaml.Node
	if err := yaml.Unmarshal(file, &doc); err != nil {
		return []msg.Text{msg.T(msg.DoctorWorkflowBadYAML, "error", err.Error())}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return []msg.Text{msg.T(msg.DoctorWorkflowBadYAML, "error", "the file is not a mapping")}
	}
	root := doc.Content[0]
	var out []msg.Text
	dispatch, ok := workflowDispatch(lookup(root, "on", "true"))
	if !ok {
		out = append(out, msg.T(msg.DoctorWorkflowNoDispatch))
	} else {
		declared, required := dispatchInputs(dispatch)
		var undeclared, unsent []string
		for _, in := range sent {
			if !slices.Contains(declared, in) {
				undeclared = append(undeclared, in)
			}
		}
		for _, in := range required {
			if !slices.Contains(sent, in) {
				unsent = append(unsent, in)
			}
		}
		if len(undeclared) > 0 {
			out = append(out, msg.T(msg.DoctorWorkflowUndeclared, "inputs", strings.Join(undeclared, ", ")))
		}
		if len(unsent) > 0 {
			sort.Strings(unsent)
			out = append(out, msg.T(msg.DoctorWorkflowRequired, "inputs", strings.Join(unsent, ", ")))
		}
	}
	if rn := lookup(root, "run-name"); rn == nil || rn.Kind != yaml.ScalarNode || !markerExpr.MatchString(rn.Value) {
		out = append(out, msg.T(msg.DoctorWorkflowNoMarker, "marker", "${{ inputs."+MarkerInput+" }}",
			"example", "${{ inputs.environment }} (${{ inputs."+MarkerInput+" }})"))
	}
	return out
}

// lookup is the value of the first of keys in a mapping node. ("on" is
// also looked up as "true": a YAML 1.1 reader reads a bare on as a
// boolean, yaml.v3 keeps the text.)
func lookup(m *yaml.Node, keys ...string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for _, k := range keys {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == k {
				return m.Content[i+1]
			}
		}
	}
	return nil
}

// workflowDispatch finds the workflow_dispatch trigger of `on:`, which
// may be a string (on: workflow_dispatch), a list of event names, or a
// mapping of events to their settings. The node is nil when the trigger
// has no settings.
func workflowDispatch(on *yaml.Node) (*yaml.Node, bool) {
	if on == nil {
		return nil, false
	}
	switch on.Kind {
	case yaml.ScalarNode:
		return nil, on.Value == "workflow_dispatch"
	case yaml.SequenceNode:
		for _, e := range on.Content {
			if e.Kind == yaml.ScalarNode && e.Value == "workflow_dispatch" {
				return nil, true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(on.Content); i += 2 {
			if on.Content[i].Value == "workflow_dispatch" {
				return on.Content[i+1], true
			}
		}
	}
	return nil, false
}

// dispatchInputs lists the declared inputs of a workflow_dispatch
// trigger, and those required without a default.
func dispatchInputs(dispatch *yaml.Node) (declared, required []string) {
	inputs := lookup(dispatch, "inputs")
	if inputs == nil || inputs.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(inputs.Content); i += 2 {
		name, spec := inputs.Content[i].Value, inputs.Content[i+1]
		declared = append(declared, name)
		req := lookup(spec, "required")
		def := lookup(spec, "default")
		if req != nil && req.Kind == yaml.ScalarNode && req.Value == "true" && (def == nil || def.Tag == "!!null") {
			required = append(required, name)
		}
	}
	return declared, required
}
