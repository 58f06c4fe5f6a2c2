package msg

var scheduleKorean = Catalog{
	HelpUnschedule: "예약 배포를 취소합니다. CSR은 다시 `approved` 상태가 되고, 배포는 실행되지 않습니다.",

	RefuseAtWithOverride: "`--at`과 `--override`는 함께 쓸 수 없습니다. 예약 배포는 배포 가능 시간 안에서, 배포 동결 기간이 아닐 때만 시작됩니다.",
	NextAtOrOverride:     "`deploy {csr} --at 22:30` 명령으로 배포 가능 시간 안에 예약하거나, `deploy {csr} --override \"사유\"` 명령으로 지금 배포하세요(관리자 전용).",

	NoteScheduled:       "📅 {by} 님이 {csr} 건의 {env} 환경 운영 배포를 예약했습니다(예약 시각: {when}). ▶ {next}",
	NoteUnscheduled:     "{by} 님이 {csr} 건의 예약 배포를 취소했습니다(예약 시각: {when}). 다시 `approved` 상태입니다.{reason} ▶ {next}",
	NoteScheduledStart:  "⏰ {csr} 건의 예약 배포 시각({when})이 되어 운영 배포를 시작했습니다.",
	NoteScheduledLate:   "⏰ {csr} 건은 {when}에 배포하도록 예약되어 있었지만 그 시각에 실행 중인 봇이 없었습니다. 아직 배포 가능 시간이므로 예정보다 {late} 늦게 지금 시작했습니다.",
	NoteScheduledRefuse: "⚠️ {csr} 건의 예약 운영 배포({when})가 시작되지 않았습니다: {why} {csr} 건은 다시 `approved` 상태이며, {owners} 님이 새로 예약할 수 있습니다. 다음 단계: {next}",
	NoteScheduledMissed: "⚠️ {csr} 건은 {when}에 배포하도록 예약되어 있었지만 그 시각에 실행 중인 봇이 없었고, 지금은 다음 사유로 시작할 수 없습니다: {why} 배포는 시작되지 않았습니다. {csr} 건은 다시 `approved` 상태이며, {owners} 님이 새로 예약할 수 있습니다. 다음 단계: {next}",
	HistScheduleRefused: "{when} 예약 배포 미시작: {why}",
	HistRescheduled:     "변경 전 예약 시각: {was}",
	ReasonSuffix:        " 사유: {reason}",

	NoteRemindApprovals:    "⏳ {threshold} 넘게 기다리는 결재:\n{items}",
	NoteRemindApprovalsAll: "⏳ 대기 중인 결재:\n{items}",
	NoteNobodyEligible:     "승인 가능한 사람 없음(관리자에게 결재선 수정을 요청하세요)",
	NoteRemindApproval:     "• {csr} \"{title}\" ({service}): {n}/{total}단계 `{step}`에서 {waited} 동안 대기 중, 승인 {missing}건 더 필요(승인자: {people}). `approve {csr}` 또는 `reject {csr} \"사유\"`",
	NoteRemindDeploys:      "📅 앞으로 {within} 안에 예약된 운영 배포:\n{items}",
	NoteRemindDeploy:       "• {when}: {csr} \"{title}\" ({service}) → {env}, 담당: {owners}, 배포 가능 시간: {window}",
	NoteRemindDeployWarn:   "• {when}: {csr} \"{title}\" ({service}) → {env}, 담당: {owners}, 배포 가능 시간: {window}. ⚠️ 지금 상태로는 시작되지 않습니다: {why}",
	NoteRemindStuck:        "🚧 배포 실패 후 멈춰 있는 CSR:\n{items}",
	NoteRemindStuckItem:    "• {csr} \"{title}\" ({service}): {since}부터 `{state}` 상태({ago}). {next}",
	NoteRemindFreezes:      "❄️ 앞으로 {within} 안에 시작하거나 끝나는 배포 동결:\n{items}",
	NoteRemindFreezeStart:  "• {service}: {from}부터 {until}까지 배포 동결. 사유: {reason}",
	NoteRemindFreezeEnd:    "• {service}: {until}까지 배포 동결 중. 사유: {reason}",
	NoteRemindMore:         "• … 외 {count}건",
}
