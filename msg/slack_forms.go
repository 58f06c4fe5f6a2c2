package msg

// Sentences of the Slack forms added for rework and rollback: a reason
// for a rollback, and the edit form.
const (
	SlackFormRollbackTitle  ID = "slack.form.rollback_title"
	SlackFormRollbackSubmit ID = "slack.form.rollback_submit"
	SlackFormRollingBack    ID = "slack.form.rolling_back"
	SlackFormEditTitle      ID = "slack.form.edit_title"
	SlackFormEditSubmit     ID = "slack.form.edit_submit"
	SlackFormEditing        ID = "slack.form.editing"
	SlackFieldRisk          ID = "slack.field.risk"
	SlackFormNoChange       ID = "slack.form.no_change"
	SlackButtonUnschedule   ID = "slack.button.unschedule"
)

var slackFormsEnglish = Catalog{
	SlackFormRollbackTitle:  "Roll back",
	SlackFormRollbackSubmit: "Roll back",
	SlackFormRollingBack:    "You are rolling back *{csr}* {title}: production goes back to the commit it ran before. Everyone on the CSR will see your reason.",
	SlackFormEditTitle:      "Edit CSR",
	SlackFormEditSubmit:     "Save",
	SlackFormEditing:        "You are editing *{csr}*. During approval, saving a change voids the approvals given so far and tells the approvers why.",
	SlackFieldRisk:          "Risk and rollback plan",
	SlackFormNoChange:       "nothing was changed: edit a field, or close the form.",
	SlackButtonUnschedule:   "Unschedule",
}

var slackFormsKorean = Catalog{
	SlackFormRollbackTitle:  "롤백",
	SlackFormRollbackSubmit: "롤백",
	SlackFormRollingBack:    "*{csr}* {title} 건을 롤백합니다: 운영 환경이 이전에 실행하던 커밋으로 돌아갑니다. 입력한 사유는 이 CSR의 모든 관계자에게 표시됩니다.",
	SlackFormEditTitle:      "CSR 수정",
	SlackFormEditSubmit:     "저장",
	SlackFormEditing:        "*{csr}* 건을 수정합니다. 결재 중에 변경을 저장하면 지금까지의 승인이 무효가 되며, 승인자에게 그 사유를 알려 드립니다.",
	SlackFieldRisk:          "위험 요소와 롤백 계획",
	SlackFormNoChange:       "변경된 내용이 없습니다: 항목을 수정하거나 양식을 닫으세요.",
	SlackButtonUnschedule:   "예약 취소",
}
