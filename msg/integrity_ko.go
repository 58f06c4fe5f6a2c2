package msg

var integrityKorean = Catalog{
	RefuseNothingToResolve: "{csr} 건에는 결과 미확인 상태인 실행이 없어 확정할 것이 없습니다.",
	RefuseResolveOutcome:   "`{outcome}` 값으로는 실행 결과를 확정할 수 없습니다.",
	RefuseResolveChecked:   "결과를 어떻게 확인했는지 적어 주세요. 그래야 기록에 확정 근거가 남습니다.",
	NextResolve:            "배포가 실행된 곳에서 결과를 확인한 뒤 `resolve {csr} succeeded \"확인한 내용\"` 또는 `resolve {csr} failed \"확인한 내용\"` 명령을 입력하세요.",
	DetailResolved:         "{by} 님이 확정: {checked}",
	NoteRunUnknown:         "❓ {people} {csr} 건의 {env} 환경 {kind} 배포 {run}: 결과 미확인입니다. 봇은 이 배포가 성공했는지 실패했는지 알 수 없습니다. 사유: {detail}{link}\n배포가 아직 진행 중일 수 있으므로 {env} 환경은 잠긴 상태로 두고 계속 확인하겠습니다. 배포 도구에서 결과를 확인하셨다면 알려 주세요: `resolve {csr} succeeded \"확인한 내용\"` 또는 `resolve {csr} failed \"확인한 내용\"`",
	NoteRunProgress:        "ℹ️ {people} {csr} 건의 {env} 환경 실행 {run}: {detail}{link}",
	ReplyResolved:          "기록했습니다: {csr} 건의 실행 {run} 결과를 확정했습니다. 결과: {status}, 확인 내용: {checked}.",
	HelpResolve:            "봇이 결과를 알 수 없었던 실행을, 직접 확인한 뒤 성공 또는 실패로 확정합니다.",
	NextRunUnknown:         "실행 {run}의 결과를 알 수 없습니다(결과 미확인). 배포가 실행된 곳에서 확인한 뒤 `resolve {csr} succeeded|failed \"확인한 내용\"` 명령을 입력하세요.",

	DetailFollowLost:     "봇이 더 이상 실행 상태를 추적할 수 없습니다({error}). 아직 배포 중일 수 있으니 실행 링크에서 확인하세요.",
	DetailProcessDied:    "이 배포를 실행하던 봇 프로세스가 끝나기 전에 중단되었고, 배포 프로세스도 함께 중단되었습니다. 중단 전까지 무엇이 변경되었는지는 알 수 없으니 {env} 환경을 확인하세요.",
	DetailStartAmbiguous: "실행을 시작할 때 불분명한 응답({error})을 받았고, 이후 해당 실행을 찾지 못했습니다. 시작되었는지 알 수 없으니 배포 도구에서 확인하세요.",
}
