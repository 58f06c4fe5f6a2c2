package slack

import (
	"fmt"
	"unicode/utf8"
)

// Slack's documented Block Kit and message limits
// (docs.slack.dev/reference/block-kit/blocks, …/block-elements,
// …/composition-objects, …/views/modal-views, chat.postMessage). The fake
// checks every payload it receives against them, as Slack does, and
// refuses it the way Slack would, so no test can pass with a payload the
// real Slack would refuse.
const (
	bkMessageBlocks   = 50
	bkViewBlocks      = 100
	bkTopText         = 40000
	bkSectionText     = 3000
	bkSectionFields   = 10
	bkFieldText       = 2000
	bkHeaderText      = 150
	bkContextElements = 10
	bkActionsElements = 25
	bkBlockID         = 255
	bkActionID        = 255
	bkButtonText      = 75
	bkButtonValue     = 2000
	bkButtonURL       = 3000
	bkInputMaxLength  = 3000
	bkPlaceholder     = 150
	bkLabel           = 2000
	bkHint            = 2000
	bkOptionText      = 75
	bkOptionValue     = 150
	bkOptions         = 100
	bkViewTitle       = 24
	bkViewButton      = 24
	bkPrivateMetadata = 3000
	bkCallbackID      = 255
	bkConfirmTitle    = 100
	bkConfirmText     = 300
	bkConfirmButton   = 30
)

// surface is where a payload is shown; it sets the block limit and which
// blocks are allowed.
type surface string

const (
	surfaceMessage surface = "message"
	surfaceModal   surface = "modal"
	surfaceHome    surface = "home"
)

// bkValidator collects violations as Slack reports them: a message and a
// JSON pointer to the offending field.
type bkValidator struct {
	errs []string
}

func (v *bkValidator) fail(ptr, format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s]", append(args, ptr)...))
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// validateMessage checks a message: its top-level text and its blocks.
func validateMessage(text string, hasText bool, blocks []any) []string {
	v := &bkValidator{}
	if runes(text) > bkTopText {
		v.fail("/text", "must be at most %d characters", bkTopText)
	}
	if !hasText && len(blocks) == 0 {
		v.fail("/text", "no_text: a message needs text or blocks")
	}
	v.blocks("/blocks", blocks, surfaceMessage)
	return v.errs
}

// validateView checks a modal or Home tab view.
func validateView(view map[string]any) []string {
	v := &bkValidator{}
	kind := surfaceModal
	if view["type"] == "home" {
		kind = surfaceHome
	} else if view["type"] != "modal" {
		v.fail("/view/type", "must be modal or home")
	}
	if kind == surfaceModal {
		v.text("/view/title", view["title"], bkViewTitle, true, true)
		if view["submit"] != nil {
			v.text("/view/submit", view["submit"], bkViewButton, true, true)
		}
		if view["close"] != nil {
			v.text("/view/close", view["close"], bkViewButton, true, true)
		}
	}
	if s, _ := view["private_metadata"].(string); runes(s) > bkPrivateMetadata {
		v.fail("/view/private_metadata", "must be at most %d characters", bkPrivateMetadata)
	}
	if s, _ := view["callback_id"].(string); runes(s) > bkCallbackID {
		v.fail("/view/callback_id", "must be at most %d characters", bkCallbackID)
	}
	blocks, _ := view["blocks"].([]any)
	v.blocks("/view/blocks", blocks, kind)
	if kind == surfaceModal && view["submit"] == nil {
		for _, b := range blocks {
			if m, _ := b.(map[string]any); m["type"] == "input" {
				v.fail("/view/submit", "a modal with input blocks needs submit")
				break
			}
		}
	}
	return v.errs
}

func (v *bkValidator) blocks(ptr string, blocks []any, s surface) {
	limit := bkMessageBlocks
	if s != surfaceMessage {
		limit = bkViewBlocks
	}
	if len(blocks) > limit {
		v.fail(ptr, "no more than %d items allowed", limit)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		p := fmt.Sprintf("%s/%d", ptr, i)
		m, ok := b.(map[string]any)
		if !ok {
			v.fail(p, "a block must be an object")
			continue
		}
		if id, ok := m["block_id"].(string); ok && id != "" {
			if runes(id) > bkBlockID {
				v.fail(p+"/block_id", "must be at most %d characters", bkBlockID)
			}
			if ids[id] {
				v.fail(p+"/block_id", "block_id %q is not unique", id)
			}
			ids[id] = true
		}
		v.block(p, m, s)
	}
}

func (v *bkValidator) block(p string, m map[string]any, s surface) {
	switch m["type"] {
	case "section":
		text, hasText := m["text"]
		fields, _ := m["fields"].([]any)
		if !hasText && len(fields) == 0 {
			v.fail(p, "a section needs text or fields")
		}
		if hasText {
			v.text(p+"/text", text, bkSectionText, false, true)
		}
		if len(fields) > bkSectionFields {
			v.fail(p+"/fields", "no more than %d items allowed", bkSectionFields)
		}
		for i, f := range fields {
			v.text(fmt.Sprintf("%s/fields/%d", p, i), f, bkFieldText, false, true)
		}
		if acc, ok := m["accessory"].(map[string]any); ok {
			v.element(p+"/accessory", acc, map[string]bool{})
		}
	case "header":
		v.text(p+"/text", m["text"], bkHeaderText, true, true)
	case "divider":
	case "context":
		els, _ := m["elements"].([]any)
		if len(els) == 0 || len(els) > bkContextElements {
			v.fail(p+"/elements", "must have 1 to %d items", bkContextElements)
		}
		for i, e := range els {
			v.text(fmt.Sprintf("%s/elements/%d", p, i), e, bkSectionText, false, true)
		}
	case "actions":
		els, _ := m["elements"].([]any)
		if len(els) == 0 || len(els) > bkActionsElements {
			v.fail(p+"/elements", "must have 1 to %d items", bkActionsElements)
		}
		seen := map[string]bool{}
		for i, e := range els {
			el, _ := e.(map[string]any)
			v.element(fmt.Sprintf("%s/elements/%d", p, i), el, seen)
		}
	case "input":
		if s == surfaceMessage {
			v.fail(p+"/type", "input blocks are for modals and Home tabs")
		}
		v.text(p+"/label", m["label"], bkLabel, true, true)
		if h, ok := m["hint"]; ok {
			v.text(p+"/hint", h, bkHint, true, true)
		}
		el, _ := m["element"].(map[string]any)
		v.element(p+"/element", el, map[string]bool{})
	default:
		v.fail(p+"/type", "unknown block type %v", m["type"])
	}
}

// element checks an interactive element; seen holds the action ids of
// its block, which must be unique there.
func (v *bkValidator) element(p string, el map[string]any, seen map[string]bool) {
	if el == nil {
		v.fail(p, "missing element")
		return
	}
	id, _ := el["action_id"].(string)
	if runes(id) > bkActionID {
		v.fail(p+"/action_id", "must be at most %d characters", bkActionID)
	}
	if id != "" {
		if seen[id] {
			v.fail(p+"/action_id", "action_id %q is not unique in its block", id)
		}
		seen[id] = true
	}
	if ph, ok := el["placeholder"]; ok {
		v.text(p+"/placeholder", ph, bkPlaceholder, true, true)
	}
	switch el["type"] {
	case "button":
		v.text(p+"/text", el["text"], bkButtonText, true, true)
		if s, _ := el["value"].(string); runes(s) > bkButtonValue {
			v.fail(p+"/value", "must be at most %d characters", bkButtonValue)
		}
		if s, _ := el["url"].(string); runes(s) > bkButtonURL {
			v.fail(p+"/url", "must be at most %d characters", bkButtonURL)
		}
		if st, ok := el["style"].(string); ok && st != "primary" && st != "danger" {
			v.fail(p+"/style", "must be primary or danger")
		}
		if c, ok := el["confirm"].(map[string]any); ok {
			v.text(p+"/confirm/title", c["title"], bkConfirmTitle, true, true)
			v.text(p+"/confirm/text", c["text"], bkConfirmText, false, true)
			v.text(p+"/confirm/confirm", c["confirm"], bkConfirmButton, true, true)
			v.text(p+"/confirm/deny", c["deny"], bkConfirmButton, true, true)
		}
	case "plain_text_input":
		maxLen, hasMax := el["max_length"].(float64)
		if hasMax && (maxLen < 1 || maxLen > bkInputMaxLength) {
			v.fail(p+"/max_length", "must be between 1 and %d", bkInputMaxLength)
		}
		if minLen, ok := el["min_length"].(float64); ok && (minLen < 0 || minLen > bkInputMaxLength) {
			v.fail(p+"/min_length", "must be between 0 and %d", bkInputMaxLength)
		}
		if s, ok := el["initial_value"].(string); ok && hasMax && float64(runes(s)) > maxLen {
			v.fail(p+"/initial_value", "longer than max_length")
		}
	case "static_select":
		opts, _ := el["options"].([]any)
		if len(opts) == 0 || len(opts) > bkOptions {
			v.fail(p+"/options", "must have 1 to %d items", bkOptions)
		}
		for i, o := range opts {
			om, _ := o.(map[string]any)
			v.option(fmt.Sprintf("%s/options/%d", p, i), om)
		}
		if io, ok := el["initial_option"].(map[string]any); ok {
			v.option(p+"/initial_option", io)
		}
	case "users_select":
	default:
		v.fail(p+"/type", "unknown element type %v", el["type"])
	}
}

func (v *bkValidator) option(p string, o map[string]any) {
	v.text(p+"/text", o["text"], bkOptionText, true, true)
	if s, _ := o["value"].(string); runes(s) > bkOptionValue {
		v.fail(p+"/value", "must be at most %d characters", bkOptionValue)
	}
}

// text checks a text object: its type, that it is not empty, and its
// length.
func (v *bkValidator) text(p string, t any, max int, plainOnly, required bool) {
	m, ok := t.(map[string]any)
	if !ok {
		if required {
			v.fail(p, "missing text object")
		}
		return
	}
	typ, _ := m["type"].(string)
	switch {
	case typ == "plain_text":
	case typ == "mrkdwn" && !plainOnly:
	default:
		v.fail(p+"/type", "must be plain_text%s, not %q", map[bool]string{false: " or mrkdwn", true: ""}[plainOnly], typ)
	}
	s, _ := m["text"].(string)
	if s == "" {
		v.fail(p+"/text", "must be at least 1 character")
	}
	if runes(s) > max {
		v.fail(p+"/text", "must be at most %d characters", max)
	}
}
