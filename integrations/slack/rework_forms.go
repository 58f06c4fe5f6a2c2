package slack

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Forms of rework and rollback: a rollback asks its reason like a
// rejection does, and `edit CSR` alone opens the CSR's fields to change.
const (
	formRollback = "rollback"
	formEdit     = "edit"
	fieldRisk    = "risk"
)

func (r renderer) rollbackForm(meta modalMeta, title string) slackapi.ModalViewRequest {
	return r.modal(formRollback, msg.SlackFormRollbackTitle, msg.SlackFormRollbackSubmit, meta,
		section(r.t(msg.T(msg.SlackFormRollingBack, "csr", string(meta.CSR), "title", title))),
		r.input(fieldReason, msg.SlackFieldReason, msg.SlackHintReason, false, r.textInput("", csr.MaxReason, true, "")),
	)
}

// editForm shows the CSR's editable fields as they are now.
func (r renderer) editForm(meta modalMeta, c csr.CSR) slackapi.ModalViewRequest {
	assignee := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeUser, plainText(r.plain(msg.T(msg.SlackFormPickPerson)), 150), inputAction)
	if id := r.slackID(c.Assignee); id != "" {
		assignee.InitialUser = id
	}
	effort := ""
	if c.Effort > 0 {
		effort = effortInput(c.Effort)
	}
	return r.modal(formEdit, msg.SlackFormEditTitle, msg.SlackFormEditSubmit, meta,
		section(r.t(msg.T(msg.SlackFormEditing, "csr", string(c.ID)))),
		r.input(fieldTitle, msg.SlackFieldTitle, "", false, r.textInput(msg.SlackPlaceholderTitle, csr.MaxTitle, false, clipRunes(c.Title, csr.MaxTitle))),
		r.input(fieldAssignee, msg.SlackFieldAssignee, "", true, assignee),
		r.input(fieldEffort, msg.SlackFieldEffort, "", true, r.textInput(msg.SlackPlaceholderEffort, 16, false, effort)),
		r.input(fieldDescription, msg.SlackFieldDescription, "", true,
			r.textInput("", min(csr.MaxText, maxInputLength), true, clipRunes(c.Description, maxInputLength))),
		r.input(fieldRisk, msg.SlackFieldRisk, "", true, r.textInput("", min(csr.MaxText, maxInputLength), true, clipRunes(c.Risk, maxInputLength))),
	)
}

// effortInput writes an effort as the grammar reads it (4h, 90m).
func effortInput(d time.Duration) string {
	m := int(d.Minutes())
	if m%60 == 0 {
		return strconv.Itoa(m/60) + "h"
	}
	return strconv.Itoa(m) + "m"
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// checkReason reads the reason of a reject or rollback form into its
// command line, or says what is wrong next to the field.
func (a *Adapter) checkReason(ctx context.Context, r renderer, form, verb string, v slackapi.View, id csr.ID) (string, map[string]string) {
	reason := value(v, fieldReason)
	switch {
	case id == "":
		return "", map[string]string{fieldReason: a.formFailure(ctx, r, form, errors.New("the form's metadata names no CSR"))}
	case reason == "":
		return "", map[string]string{fieldReason: r.plain(msg.T(msg.RefuseReasonRequired))}
	case utf8.RuneCountInString(reason) > csr.MaxReason:
		return "", map[string]string{fieldReason: r.plain(msg.T(msg.RefuseTextTooLong, "field", msg.T(msg.TextFieldReason),
			"len", strconv.Itoa(utf8.RuneCountInString(reason)), "max", strconv.Itoa(csr.MaxReason)))}
	case strings.ContainsFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		return "", map[string]string{fieldReason: r.plain(msg.T(msg.RefuseTextControl, "field", msg.T(msg.TextFieldReason)))}
	}
	return verb + " " + string(id) + " " + quote(reason), nil
}

// checkEdit turns the edit form into an `edit` command with the fields
// that changed, checked by the grammar before the form closes.
func (a *Adapter) checkEdit(ctx context.Context, r renderer, v slackapi.View, user string, id csr.ID) (string, map[string]string) {
	if id == "" {
		return "", map[string]string{fieldTitle: a.formFailure(ctx, r, formEdit, errors.New("the form's metadata names no CSR"))}
	}
	c, err := a.csrs.Get(ctx, id)
	if err != nil {
		return "", map[string]string{fieldTitle: a.formFailure(ctx, r, formEdit, err)}
	}
	line := "edit " + string(id)
	changed := false
	set := func(flag, now, was string) {
		if now != strings.TrimSpace(was) {
			line += " --" + flag + " " + quote(now)
			changed = true
		}
	}
	set("title", value(v, fieldTitle), c.Title)
	set("description", value(v, fieldDescription), clipRunes(c.Description, maxInputLength))
	set("risk", value(v, fieldRisk), clipRunes(c.Risk, maxInputLength))
	if e := value(v, fieldEffort); e != "" {
		if c.Effort == 0 || e != effortInput(c.Effort) {
			line += " --effort " + quote(e)
			changed = true
		}
	}
	if uid := value(v, fieldAssignee); uid != "" && uid != a.people.SlackID(c.Assignee) {
		p, known := a.people.PersonBySlackID(uid)
		if !known {
			return "", map[string]string{fieldAssignee: r.plain(msg.T(msg.SlackFormUnknownPerson))}
		}
		line += " --assignee " + quote("@"+string(p))
		changed = true
	}
	if !changed {
		return "", map[string]string{fieldTitle: r.plain(msg.T(msg.SlackFormNoChange))}
	}
	if err := a.grammar.Check(ctx, chat.Event{User: user, Text: line}); err != nil {
		return "", a.fieldError(ctx, r, formEdit, err)
	}
	return line, nil
}
