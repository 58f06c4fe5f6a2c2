package msg

var opsKorean = Catalog{
	HelpStats:  "서비스 하나 또는 전체의 릴리스 지표: 주간 배포 수, 리드 타임, 변경 실패율, 복구 시간, 결재 단계별 대기 시간.",
	HelpAudit:  "관리자: 기간 내 상태 변경 이력(누가 어느 CSR을 어떤 상태에서 어떤 상태로 옮겼는지)입니다. 전체는 `releasebot audit` 명령으로 CSV나 JSON으로 내보낼 수 있습니다.",
	HelpDoctor: "관리자: 실행 중인 봇에서 Redis, 릴리스 저장소, Slack, GitHub 연결을 점검합니다.",

	OpsStatsHeadService: "📊 {service} 서비스, 최근 {days}일 ({from} – {to}):",
	OpsStatsHeadAll:     "📊 전체 서비스, 최근 {days}일 ({from} – {to}):",
	OpsStatsDeploys:     "• 운영 배포: {deploys}건 (성공 {succeeded}건), 주당 {rate}건",
	OpsStatsLead:        "• `new`부터 배포 완료까지 리드 타임: {summary}",
	OpsStatsFailure:     "• 변경 실패율: {pct}% (실패한 배포와 롤백 {failures}건)",
	OpsStatsRestore:     "• 장애 후 복구 시간: {summary}",
	OpsStatsStep:        "• `{step}` 단계 대기 시간: {summary}",
	OpsStatsSummary:     "중앙값 {median}, p90 {ninety} (CSR {n}건)",
	OpsStatsNoData:      "아직 데이터가 없습니다",
	OpsStatsWant:        "1부터 366까지의 일수",

	OpsAuditHead:  "🧾 {from}부터 {to}까지 상태 변경 {n}건{scope}:",
	OpsAuditLine:  "• {at} {csr} ({service}) `{action}` {from} → {to}, 처리: @{by}{note}",
	OpsAuditMore:  "…외 {n}건. 전체 이력: `releasebot audit --since {since} --until {until}` (CSV 또는 JSON).",
	OpsAuditNone:  "{from}부터 {to}까지 상태 변경이 없습니다{scope}.",
	OpsAuditWant:  "2026-11-01 형식의 날짜",
	OpsDoctorLine: "{mark} *{name}*: {text}",
	OpsNotWired:   "이 봇에서는 `{verb}` 명령을 쓸 수 없습니다.",
	OpsNextCLI:    "봇이 실행되는 곳에서 같은 `REDIS_URL`로 `releasebot {verb}` 명령을 실행하세요.",

	ReplyHelpAliases: "한국어 명령어도 쓸 수 있습니다: {aliases}.",
}
