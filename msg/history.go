package msg

// A history entry's action and note as people read them. The action ids
// stay as they are in the store and the audit export (machine data); the
// history reply names them through these.
const (
	HistoryActionNew            ID = "history.action.new"
	HistoryActionPin            ID = "history.action.pin"
	HistoryActionFollow         ID = "history.action.follow"
	HistoryActionTest           ID = "history.action.test"
	HistoryActionTestResult     ID = "history.action.test-result"
	HistoryActionDeploy         ID = "history.action.deploy"
	HistoryActionDeployResult   ID = "history.action.deploy-result"
	HistoryActionRollback       ID = "history.action.rollback"
	HistoryActionRollbackResult ID = "history.action.rollback-result"
	HistoryActionRunResult      ID = "history.action.run-result"
	HistoryActionRunUnknown     ID = "history.action.run-unknown"
	HistoryActionEvidence       ID = "history.action.evidence"
	HistoryActionSubmit         ID = "history.action.submit"
	HistoryActionApprove        ID = "history.action.approve"
	HistoryActionReject         ID = "history.action.reject"
	HistoryActionRevise         ID = "history.action.revise"
	HistoryActionUpdate         ID = "history.action.update"
	HistoryActionEdit           ID = "history.action.edit"
	HistoryActionComment        ID = "history.action.comment"
	HistoryActionSchedule       ID = "history.action.schedule"
	HistoryActionUnschedule     ID = "history.action.unschedule"
	HistoryActionCancel         ID = "history.action.cancel"
	// An action of a newer release that this catalog does not name yet.
	HistoryActionOther ID = "history.action_other"

	HistoryRunOutcome ID = "history.run_outcome" // CSR-1/test/1 succeeded
	HistoryScheduled  ID = "history.scheduled"   // for Fri 2026-12-04 22:00 KST
	HistoryOverride   ID = "history.override"    // override (window): reason
)

// HistoryAction names a history entry's action in the reader's language.
func HistoryAction(action string) Text {
	id := ID("history.action." + action)
	if _, ok := English[id]; ok {
		return T(id)
	}
	return T(HistoryActionOther, "action", action)
}

var historyEnglish = Catalog{
	HistoryActionNew:            "created",
	HistoryActionPin:            "pinned the commit",
	HistoryActionFollow:         "follows the branch",
	HistoryActionTest:           "test deploy",
	HistoryActionTestResult:     "test result",
	HistoryActionDeploy:         "production deploy",
	HistoryActionDeployResult:   "deploy result",
	HistoryActionRollback:       "rollback",
	HistoryActionRollbackResult: "rollback result",
	HistoryActionRunResult:      "run result",
	HistoryActionRunUnknown:     "outcome unknown",
	HistoryActionEvidence:       "evidence",
	HistoryActionSubmit:         "submitted",
	HistoryActionApprove:        "approved",
	HistoryActionReject:         "rejected",
	HistoryActionRevise:         "taken back",
	HistoryActionUpdate:         "new commit",
	HistoryActionEdit:           "edited",
	HistoryActionComment:        "comment",
	HistoryActionSchedule:       "scheduled",
	HistoryActionUnschedule:     "unscheduled",
	HistoryActionCancel:         "cancelled",
	HistoryActionOther:          "`{action}`",
	HistoryRunOutcome:           "{run} {status}",
	HistoryScheduled:            "for {when}",
	HistoryOverride:             "override (`{rule}`): {reason}",
}

var historyKorean = Catalog{
	HistoryActionNew:            "작성",
	HistoryActionPin:            "커밋 고정",
	HistoryActionFollow:         "브랜치 추적",
	HistoryActionTest:           "테스트 배포",
	HistoryActionTestResult:     "테스트 배포 결과",
	HistoryActionDeploy:         "운영 배포",
	HistoryActionDeployResult:   "운영 배포 결과",
	HistoryActionRollback:       "롤백",
	HistoryActionRollbackResult: "롤백 결과",
	HistoryActionRunResult:      "실행 결과",
	HistoryActionRunUnknown:     "결과 확인 불가",
	HistoryActionEvidence:       "증빙 등록",
	HistoryActionSubmit:         "상신",
	HistoryActionApprove:        "승인",
	HistoryActionReject:         "반려",
	HistoryActionRevise:         "회수",
	HistoryActionUpdate:         "새 커밋 지정",
	HistoryActionEdit:           "수정",
	HistoryActionComment:        "의견",
	HistoryActionSchedule:       "배포 예약",
	HistoryActionUnschedule:     "예약 취소",
	HistoryActionCancel:         "취소",
	HistoryActionOther:          "`{action}`",
	HistoryRunOutcome:           "{run} {status}",
	HistoryScheduled:            "{when} 예정",
	HistoryOverride:             "예외 승인(`{rule}`): {reason}",
}
