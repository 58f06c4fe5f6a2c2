package msg

var reworkKorean = Catalog{
	HelpEdit:    "CSR의 제목, 설명, 위험도, 공수 또는 담당자를 변경합니다(예: 검토 의견에 답할 때). 결재 중에 변경하면 지금까지의 승인은 무효가 됩니다.",
	HelpComment: "CSR에 의견을 남깁니다. 의견은 이력에 기록되고 요청자, 담당자, 반려한 사람에게 전달됩니다.",

	RefuseEditNothing:      "`edit` 명령에는 `--title`, `--description`, `--risk`, `--effort`, `--assignee` 중 하나 이상이 필요합니다.",
	RefuseRollbackPolicy:   "{service} 서비스의 롤백 정책상 {csr} 건은 다음 사람만 롤백할 수 있습니다: {policy}",
	RefuseRollbackReason:   "{csr} 건을 롤백하려면 팀이 무엇이 잘못되었는지 알 수 있도록 사유를 적어야 합니다.",
	RefuseNeedsQuotes:      "`{verb}` 명령은 텍스트를 따옴표로 감싼 인자 하나로 받습니다. `{arg}` 부분은 그 텍스트의 나머지로 보입니다.",
	NextEditExample:        "예: `edit {csr} --risk \"롤백 방법: 이전 태그 재배포\"`",
	NextAskRollback:        "다음 사람에게 요청하세요: {people}",
	NextAskRollbackOrAdmin: "다음 사람이나 관리자에게 요청하세요: {people}",
	NextRollbackReason:     "사유를 따옴표로 감싸 입력하세요: `rollback {csr} \"발생한 문제\"`",
	NextQuoteLike:          "텍스트를 따옴표로 감싸 입력하세요. 예: `{example}`",
	NextChooseService:      "다음 서비스 중 하나를 지정하세요: {services}. 예: `{example}`",
	NextDidYouMeanCSR:      "{suggestion} 건을 찾으셨나요? 내 CSR은 `list mine`, 전체 CSR은 `list all` 명령으로 확인하세요.",
	NextDidYouMeanService:  "`{suggestion}` 서비스를 찾으셨나요? 서비스 목록: {services}",
	NextDidYouMeanPerson:   "`{suggestion}` 사용자를 찾으셨나요? 사용자 목록: {people}",
	NextDeployedRollback:   "{csr} 건이 {env} 환경에 배포되어 현재 커밋 {sha} 기준으로 운영 중입니다. 더 할 일은 없습니다. 문제가 생기면 {people} 님이 `rollback {csr} \"발생한 문제\"` 명령으로 이전 버전({target})으로 되돌릴 수 있습니다.",
	NextDeployedNoRollback: "{csr} 건이 {env} 환경에 배포되어 현재 커밋 {sha} 기준으로 운영 중입니다. 더 할 일은 없습니다. 이 환경의 첫 배포라 되돌릴 이전 버전이 없으므로, 문제가 생기면 새 CSR로 수정하세요(`new {service} \"TITLE\" --ref REF`).",
	NextFixForward:         "새 CSR로 수정 사항을 배포하세요: `new {service} \"TITLE\" --ref REF`",
	NextRolledBackFix:      "{csr} 건은 롤백되었습니다. 현재 {env} 환경은 {current} 건(커밋 {sha}) 기준으로 운영 중입니다. 다음 단계: {owners} 님이 새 CSR로 수정 사항을 배포합니다(`new {service} \"TITLE\" --ref REF`).",
	NextRolledBackFixSHA:   "{csr} 건은 롤백되었습니다. 현재 {env} 환경은 커밋 {sha} 기준으로 운영 중입니다. 다음 단계: {owners} 님이 새 CSR로 수정 사항을 배포합니다(`new {service} \"TITLE\" --ref REF`).",
	NextRolledBackDone:     "{csr} 건은 롤백되어 {env} 환경은 다시 이 CSR 이전의 커밋으로 운영 중입니다. 다음 단계: {owners} 님이 새 CSR로 수정 사항을 배포합니다(`new {service} \"TITLE\" --ref REF`). {env} 환경의 현재 버전은 `show {csr}` 명령으로 확인하세요.",
	NextRolledBackFurther:  "{csr} 건은 롤백되었습니다. 현재 {env} 환경은 {current} 건(커밋 {sha}) 기준으로 운영 중입니다. 다음 단계: {owners} 님이 새 CSR로 수정 사항을 배포합니다(`new {service} \"TITLE\" --ref REF`). {current} 건도 되돌려야 한다면 {people} 님이 `rollback {current} \"사유\"` 명령으로 롤백할 수 있습니다.",
	NextCancelled:          "{csr} 건은 취소되었으며 더 이상 진행되지 않습니다. 이 변경을 그래도 배포하려면 `new {service} \"TITLE\" --ref REF` 명령으로 새 CSR을 만드세요.",
	NextUnchanged:          "필요한 작업은 `next {csr}` 명령으로 확인하세요.",

	ReplyEdited:       "{csr} 건의 {fields} 항목을 변경했습니다.",
	ReplyEditedVoided: "결재 중인 {csr} 건의 {fields} 항목을 변경했으므로 지금까지의 승인 {n}건이 무효가 되었습니다. 결재선의 첫 단계부터 다시 진행합니다.",
	ReplyCommented:    "{csr} 건에 의견을 남겼습니다.",
	ReplyCommentedTo:  "{csr} 건에 의견을 남기고 다음 사람에게 전달했습니다: {people}",
	ReplyRollbackWhy:  "사유: {reason}",

	NoteEdited:      "✏️ {by} 님이 {csr} 건의 {fields} 항목을 수정했습니다. {next}",
	NoteEditVoided:  "{people}: {by} 님이 결재 중인 {csr} \"{title}\" 건의 {fields} 항목을 수정하여, 앞서 하신 결정은 더 이상 반영되지 않습니다. {next}",
	NoteComment:     "💬 {by} 님의 의견({csr} \"{title}\"): {text} ▶ {next}",
	NoteCommentDM:   "💬 {by} 님이 {csr} \"{title}\" 건에 답했습니다: {text} — {next}",
	NoteRollingBack: "↩️ {by} 님이 {env} 환경의 {csr} 건을 롤백하고 있습니다(대상 커밋 {sha}). 사유: {reason} ▶ {next}",
	NoteRejectedDM:  "{by} 님이 {csr} \"{title}\" 건을 `{step}` 단계에서 반려했습니다. 사유: {reason}. {next}",

	ReplyProcessRollb: "6. 롤백: 현재 운영 환경에서 실행 중인 CSR만 사유를 적어 롤백할 수 있습니다(롤백 가능: {policy}). 롤백하면 그 CSR 이전에 운영 중이던 커밋을 다시 배포합니다.",

	ReplyProcessStart: "다음 단계: `new {service} \"TITLE\" --ref REF` 명령으로 CSR을 만드세요. 모든 명령의 설명은 `help`로 볼 수 있습니다.",

	RollbackRoleRequester: "요청자",
	RollbackRoleAssignee:  "담당자",
	RollbackRoleLastStep:  "마지막 단계 승인자",
	RollbackRoleAdmins:    "관리자",
	RollbackRolePeople:    "{people}",

	ListOne:    "{a}",
	ListPair:   "{a} 및 {b}",
	ListMore:   "{a}, {rest}",
	ListOrPair: "{a} 또는 {b}",

	FieldTitle:       "제목",
	FieldDescription: "설명",
	FieldRisk:        "위험도",
	FieldEffort:      "공수",
	FieldAssignee:    "담당자",

	CardComments:      "의견",
	CardRejectedBy:    "{by} 님 반려. 사유: {reason}",
	HistoryMove:       "{from} → {to}",
	ReplyInProduction: "⚠️ {env} 환경은 이미 커밋 {sha} 기준으로 운영 중입니다({current}). 지금 상태로는 {csr} 건을 배포해도 새로 바뀌는 것이 없습니다. 의도한 것이 아니라면 `update {csr} --ref REF` 명령으로 다른 커밋을 지정하거나 `cancel {csr}` 명령으로 취소하세요.",

	ConsoleBye:        "종료합니다. 콘솔의 저장소는 내장 메모리 Redis였으므로 CSR, 이력, 배포 동결 정보가 모두 사라졌습니다.",
	ConsoleByeKept:    "종료합니다. CSR은 `REDIS_URL`의 저장소에 그대로 남아 있습니다.",
	ConsoleNoActions:  "{person} 사용자가 지금 {csr} 건에서 할 수 있는 작업은 없습니다.",
	ConsoleActionsFor: "{person} 사용자가 {csr} 건에서 할 수 있는 작업: {actions}",
}
