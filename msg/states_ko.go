package msg

var stateKorean = Catalog{
	StateDraft:         "작성 중",
	StateTestDeploying: "테스트 배포 중",
	StateTested:        "테스트 완료",
	StateTestFailed:    "테스트 배포 실패",
	StateInApproval:    "결재 중",
	StateApproved:      "승인 완료",
	StateRejected:      "반려",
	StateScheduled:     "배포 예약",
	StateDeploying:     "운영 배포 중",
	StateDeployed:      "배포 완료",
	StateDeployFailed:  "운영 배포 실패",
	StateRolledBack:    "롤백 완료",
	StateCancelled:     "취소",

	RunQueued:    "대기 중",
	RunRunning:   "진행 중",
	RunSucceeded: "성공",
	RunFailed:    "실패",
	RunCancelled: "취소",
	RunUnknown:   "결과 미확인",

	RunKindTest:     "테스트 배포",
	RunKindDeploy:   "운영 배포",
	RunKindRollback: "롤백",
	RunLabel:        "{env} 환경 {kind} #{n}(커밋 {sha}): {status}",
}
