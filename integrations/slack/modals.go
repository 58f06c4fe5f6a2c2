package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Forms (modals), by callback_id, and the global shortcut that opens the
// new-CSR form.
const (
	formNew      = "new"
	formEvidence = "evidence"
	formReject   = "reject"
	shortcutNew  = "new_csr"
)

// Input block ids of the forms; each input's action id is "v".
const (
	fieldService     = "service"
	fieldTitle       = "title"
	fieldRef         = "ref"
	fieldAssignee    = "assignee"
	fieldEffort      = "effort"
	fieldDescription = "description"
	fieldCSR         = "csr"
	fieldURL         = "url"
	fieldNote        = "note"
	fieldReason      = "reason"
	inputAction      = "v"
)

// maxInputLength is the most a plain_text_input may allow (its max_length
// is at most 3000): a description or risk typed as a command may be
// longer (csr.MaxText), one typed in a form may not.
const maxInputLength = 3000

// modalMeta travels in a form's private_metadata: which CSR it is about
// and where to answer once it is submitted.
type modalMeta struct {
	CSR         csr.ID `json:"csr,omitempty"`
	Channel     string `json:"ch,omitempty"`
	ResponseURL string `json:"ru,omitempty"`
}

func (m modalMeta) encode() string {
	b, _ := json.Marshal(m)
	return string(b)
}

func decodeMeta(s string) modalMeta {
	var m modalMeta
	_ = json.Unmarshal([]byte(s), &m) // a form of ours always has valid metadata; anything else answers by DM
	return m
}

// openForm opens a form on the trigger of a command or click. A trigger
// lives 3 seconds; when the form cannot open, the person is told how to
// type the command instead.
func (a *Adapter) openForm(ctx context.Context, kind, trigger, user string, meta modalMeta) {
	var view slackapi.ModalViewRequest
	r := a.reader(ctx, user)
	switch kind {
	case formNew:
		view = r.newForm(meta, a.services.Services())
	case formEvidence:
		view = r.evidenceForm(meta)
	case formReject:
		title := ""
		if meta.CSR != "" {
			if c, err := a.csrs.Get(ctx, meta.CSR); err == nil {
				title = c.Title
			}
		}
		view = r.rejectForm(meta, title)
	case formRollback, formEdit:
		c, err := a.csrs.Get(ctx, meta.CSR)
		if err != nil {
			a.log.WarnContext(ctx, "form not opened: CSR not readable", "form", kind, "csr", meta.CSR, "err", err)
			a.reply(ctx, target{responseURL: meta.ResponseURL, channel: meta.Channel, user: user, ephemeral: true},
				chat.Reply{Texts: []msg.Text{msg.T(msg.SlackFormFailed, "command", a.command, "verb", kind)}, Private: true})
			return
		}
		if kind == formEdit {
			view = r.editForm(meta, c)
		} else {
			view = r.rollbackForm(meta, c.Title)
		}
	}
	if err := a.api.openView(ctx, trigger, view); err != nil {
		a.log.WarnContext(ctx, "form not opened", "form", kind, "user", user, "err", err)
		a.reply(ctx, target{responseURL: meta.ResponseURL, channel: meta.Channel, user: user, ephemeral: true},
			chat.Reply{Texts: []msg.Text{msg.T(msg.SlackFormFailed, "command", a.command, "verb", kind)}, Private: true})
	}
}

func (r renderer) modal(callback string, title msg.ID, submit msg.ID, meta modalMeta, blocks ...slackapi.Block) slackapi.ModalViewRequest {
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		CallbackID:      callback,
		Title:           plainText(r.plain(msg.T(title)), 24),
		Submit:          plainText(r.plain(msg.T(submit)), 24),
		Close:           plainText(r.plain(msg.T(msg.SlackFormClose)), 24),
		PrivateMetadata: meta.encode(),
		Blocks:          slackapi.Blocks{BlockSet: blocks},
	}
}

func (r renderer) input(id string, label msg.ID, hint msg.ID, optional bool, el slackapi.BlockElement) *slackapi.InputBlock {
	var h *slackapi.TextBlockObject
	if hint != "" {
		h = plainText(r.plain(msg.T(hint)), 2000)
	}
	b := slackapi.NewInputBlock(id, plainText(r.plain(msg.T(label)), 2000), h, el)
	b.Optional = optional
	return b
}

func (r renderer) textInput(placeholder msg.ID, maxLen int, multiline bool, initial string) *slackapi.PlainTextInputBlockElement {
	var ph *slackapi.TextBlockObject
	if placeholder != "" {
		ph = plainText(r.plain(msg.T(placeholder)), 150)
	}
	el := slackapi.NewPlainTextInputBlockElement(ph, inputAction)
	el.Multiline = multiline
	el.MaxLength = maxLen
	el.InitialValue = initial
	return el
}

func (r renderer) newForm(meta modalMeta, services []csr.Service) slackapi.ModalViewRequest {
	var opts []*slackapi.OptionBlockObject
	for _, s := range services {
		opts = append(opts, slackapi.NewOptionBlockObject(s.Name, plainText(s.Name, 75), nil))
	}
	service := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, plainText(r.plain(msg.T(msg.SlackFormPickService)), 150), inputAction, opts...)
	if len(opts) == 1 {
		service.InitialOption = opts[0]
	}
	assignee := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeUser, plainText(r.plain(msg.T(msg.SlackFormPickPerson)), 150), inputAction)
	return r.modal(formNew, msg.SlackFormNewTitle, msg.SlackFormCreate, meta,
		r.input(fieldService, msg.SlackFieldService, "", false, service),
		r.input(fieldTitle, msg.SlackFieldTitle, "", false, r.textInput(msg.SlackPlaceholderTitle, csr.MaxTitle, false, "")),
		r.input(fieldRef, msg.SlackFieldRef, msg.SlackHintRef, false, r.textInput(msg.SlackPlaceholderRef, 255, false, "")),
		r.input(fieldAssignee, msg.SlackFieldAssignee, msg.SlackHintAssignee, true, assignee),
		r.input(fieldEffort, msg.SlackFieldEffort, "", true, r.textInput(msg.SlackPlaceholderEffort, 16, false, "")),
		r.input(fieldDescription, msg.SlackFieldDescription, "", true, r.textInput("", min(csr.MaxText, maxInputLength), true, "")),
	)
}

func (r renderer) evidenceForm(meta modalMeta) slackapi.ModalViewRequest {
	return r.modal(formEvidence, msg.SlackFormEvidenceTitle, msg.SlackFormAdd, meta,
		r.input(fieldCSR, msg.SlackFieldCSR, "", false, r.textInput("", 40, false, string(meta.CSR))),
		r.input(fieldURL, msg.SlackFieldURL, msg.SlackHintURL, false, r.textInput(msg.SlackPlaceholderURL, csr.MaxURL, false, "")),
		r.input(fieldNote, msg.SlackFieldNote, "", true, r.textInput(msg.SlackPlaceholderNote, csr.MaxNote, false, "")),
	)
}

func (r renderer) rejectForm(meta modalMeta, title string) slackapi.ModalViewRequest {
	return r.modal(formReject, msg.SlackFormRejectTitle, msg.SlackFormRejectSubmit, meta,
		section(r.t(msg.T(msg.SlackFormRejecting, "csr", string(meta.CSR), "title", title))),
		r.input(fieldReason, msg.SlackFieldReason, msg.SlackHintReason, false, r.textInput("", csr.MaxReason, true, "")),
	)
}

// value reads one input of a submitted form.
func value(v slackapi.View, block string) string {
	act := v.State.Values[block][inputAction]
	switch {
	case act.SelectedOption.Value != "":
		return act.SelectedOption.Value
	case act.SelectedUser != "":
		return act.SelectedUser
	}
	return strings.TrimSpace(act.Value)
}

// submitForm checks a submitted form. Problems are shown next to their
// fields (response_action: errors) and nothing runs; otherwise the form
// closes and its command runs like a typed one, answered where the form
// was opened from.
func (a *Adapter) submitForm(ctx context.Context, cb slackapi.InteractionCallback) (any, bool) {
	var line string
	var errs map[string]string
	meta := decodeMeta(cb.View.PrivateMetadata)
	r := a.reader(ctx, cb.User.ID) // the problems are shown in the form, to its author
	switch cb.View.CallbackID {
	case formNew:
		line, errs = a.checkNew(ctx, r, cb.View, cb.User.ID)
	case formEvidence:
		line, errs = a.checkEvidence(ctx, r, cb.View)
	case formReject:
		line, errs = a.checkReason(ctx, r, formReject, "reject", cb.View, meta.CSR)
	case formRollback:
		line, errs = a.checkReason(ctx, r, formRollback, "rollback", cb.View, meta.CSR)
	case formEdit:
		line, errs = a.checkEdit(ctx, r, cb.View, cb.User.ID, meta.CSR)
	default:
		return nil, true
	}
	if len(errs) > 0 {
		return slackapi.NewErrorsViewSubmissionResponse(errs), true
	}
	ev := chat.Event{Key: "slack:view:" + cb.View.ID, User: cb.User.ID, Channel: meta.Channel, Text: line}
	to := target{responseURL: meta.ResponseURL, channel: meta.Channel, user: cb.User.ID, ephemeral: true}
	if meta.ResponseURL == "" && meta.Channel == "" {
		to = target{channel: cb.User.ID, user: cb.User.ID, dm: true}
	}
	if cb.View.CallbackID == formReject || cb.View.CallbackID == formRollback {
		to.cardless = true // the card and the DMs show the rejection or rollback
	}
	if !a.submit(func(ctx context.Context) { a.run(ctx, ev, to) }) {
		return slackapi.NewErrorsViewSubmissionResponse(map[string]string{firstField(cb.View.CallbackID): r.plain(msg.T(msg.SlackBusy))}), true
	}
	return nil, true
}

func firstField(form string) string {
	switch form {
	case formNew:
		return fieldTitle
	case formEvidence:
		return fieldURL
	case formEdit:
		return fieldTitle
	default:
		return fieldReason
	}
}

// formFailure logs an internal failure of a submitted form under a fresh
// reference and returns what to show the person, who can quote it.
func (a *Adapter) formFailure(ctx context.Context, r renderer, form string, err error) string {
	f := a.bot.Failure(ctx, "form submission failed", err, "form", form)
	return r.plain(f.Why)
}

// fieldOf says which field of the new-CSR form a refusal is about.
func fieldOf(r *csr.Refusal) string {
	switch r.Why.Args["flag"] {
	case "--effort":
		return fieldEffort
	case "--ref", "--sha":
		return fieldRef
	case "--assignee":
		return fieldAssignee
	}
	switch r.Why.Sub["field"].ID {
	case msg.TextFieldTitle:
		return fieldTitle
	case msg.TextFieldDescription:
		return fieldDescription
	case msg.TextFieldNote:
		return fieldNote
	case msg.TextFieldReason:
		return fieldReason
	}
	switch r.Why.ID {
	case msg.RefuseEffort:
		return fieldEffort
	case msg.RefuseRefRequired:
		return fieldRef
	case msg.RefuseUnknownService:
		return fieldService
	case msg.RefuseUnknownPerson:
		return fieldAssignee
	case msg.RefuseBadURL:
		return fieldURL
	}
	return fieldTitle
}

// checkNew turns the new-CSR form into a `new` command, checked by the
// same grammar and rules as a typed one, before the form closes.
func (a *Adapter) checkNew(ctx context.Context, r renderer, v slackapi.View, user string) (string, map[string]string) {
	errs := map[string]string{}
	service, title, ref := value(v, fieldService), value(v, fieldTitle), value(v, fieldRef)
	if _, ok := a.services.Service(service); !ok {
		errs[fieldService] = r.plain(msg.T(msg.RefuseUnknownService, "service", service))
	}
	line := "new " + quote(service) + " " + quote(title) + " --ref " + quote(ref)
	if uid := value(v, fieldAssignee); uid != "" {
		p, known := a.people.PersonBySlackID(uid)
		if !known {
			errs[fieldAssignee] = r.plain(msg.T(msg.SlackFormUnknownPerson))
		} else {
			line += " --assignee " + quote("@"+string(p))
		}
	}
	if e := value(v, fieldEffort); e != "" {
		line += " --effort " + quote(e)
	}
	if d := value(v, fieldDescription); d != "" {
		line += " --description " + quote(d)
	}
	if len(errs) > 0 {
		return "", errs
	}
	// The grammar, and the domain for the draft this person would open.
	if err := a.grammar.Check(ctx, chat.Event{User: user, Text: line}); err != nil {
		return "", a.fieldError(ctx, r, formNew, err)
	}
	return line, nil
}

// fieldError shows a refusal next to the field it is about; any other
// error is an internal failure, logged under a reference shown instead.
func (a *Adapter) fieldError(ctx context.Context, r renderer, form string, err error) map[string]string {
	var ref *csr.Refusal
	if !errors.As(err, &ref) {
		return map[string]string{firstField(form): a.formFailure(ctx, r, form, err)}
	}
	// In form language: the field it is shown beside names what is wrong,
	// so neither an option's name (--effort) nor the advice for typing the
	// command (quotes, usage) is repeated there.
	why := ref.Why
	if why.ID == msg.RefuseBadFlagValue {
		var want any = why.Args["want"]
		if w, ok := why.Sub["want"]; ok {
			want = w
		}
		why = msg.T(msg.SlackFormBadValue, "value", why.Args["value"], "want", want)
	}
	return map[string]string{fieldOf(ref): clip(r.plain(why), 2000)}
}

func (a *Adapter) checkEvidence(ctx context.Context, r renderer, v slackapi.View) (string, map[string]string) {
	raw := value(v, fieldCSR)
	id, ok := csr.ParseID(a.services.Prefix(), raw)
	if !ok {
		return "", map[string]string{fieldCSR: r.plain(msg.T(msg.RefuseBadCSRID, "value", clip(raw, 40), "example", a.services.Prefix()+"-12"))}
	}
	link, note := value(v, fieldURL), value(v, fieldNote)
	// The rules for a link and a note do not depend on the CSR: try them
	// on a blank draft to show problems next to the fields.
	if _, _, err := (csr.CSR{ID: id, State: csr.Draft}).AddEvidence(csr.Actor{}, link, note, a.clock.Now()); err != nil {
		return "", a.fieldError(ctx, r, formEvidence, err)
	}
	line := "evidence " + string(id) + " " + quote(link)
	if note != "" {
		line += " " + quote(note)
	}
	return line, nil
}
