package msg

var deployKorean = Catalog{
	NoteRunQueued: "⏳ {csr} 건의 {run} 실행이 {service}/{env} 배포 대기열에서 기다리고 있습니다. 대기 순번 {position}, 앞선 실행: {ahead}. 차례가 되면 자동으로 시작합니다.",
	NoteRunTurn:   "▶️ {csr} 건의 {run} 실행이 {service}/{env} 대기열에서 차례가 되어 지금 배포 중입니다.",
	NoteCommits:   "{csr} 건의 배포 대상: {repo} 저장소의 커밋 {count}개({base} → {head}):{commits}{prs}",

	DetailStartUnknown:   "이 실행을 시작하던 봇 프로세스가 중단되었고, {deployer} 배포 도구로는 실제로 시작되었는지 알 수 없습니다(결과 미확인). 배포 도구에서 직접 확인한 뒤 다시 실행하세요.",
	DetailNoService:      "{service} 서비스가 더 이상 설정에 없습니다.",
	DetailCancelled:      "끝나기 전에 취소되었습니다.",
	DetailCSRCancelled:   "이 실행이 시작되기 전에 {csr} 건이 취소되었습니다.",
	DetailReviewApproved: "{csr} 건이 채팅에서 결재를 모두 마쳤으므로, GitHub 환경 {env}의 필수 검토자 대기를 승인했습니다.",

	RefuseUnknownRef:  "{repo} 저장소에 `{ref}` 브랜치, 태그 또는 커밋이 없습니다. 변경된 것은 없습니다.",
	NextUnknownRef:    "브랜치 이름과 {repo} 저장소에 푸시되었는지 확인하거나, `--sha` 옵션으로 커밋을 지정하세요.",
	RefuseUnknownRepo: "GitHub에서 봇이 {repo} 저장소를 볼 수 없어 `{ref}` 대상을 조회하지 못했습니다. 변경된 것은 없습니다.",
	NextUnknownRepo:   "관리자에게 설정의 서비스 `repo` 값과, 봇의 GitHub 권한으로 {repo} 저장소를 읽을 수 있는지 확인을 요청하세요.",
	RefuseGitHubDown:  "GitHub에 연결할 수 없어 {repo} 저장소의 `{ref}` 대상을 조회하지 못했습니다. 변경된 것은 없습니다.",
	ReplyRefMoved:     "`{ref}` 위치가 바뀌었습니다({from} → {to}). 이제 {csr} 건의 배포 대상은 {to} 커밋입니다.",
}
