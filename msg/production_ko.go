package msg

var productionKorean = Catalog{
	ReplyProcessRuns:     "5. {env} 환경 현재 버전: {csr} 건(커밋 {sha}), {at}부터 ({run})",
	ReplyProcessRunsSHA:  "5. {env} 환경 현재 버전: 커밋 {sha}, {at}부터 ({rollback_of} 건의 롤백으로 복원)",
	ReplyProcessRunsNone: "5. {env} 환경에는 아직 배포된 것이 없습니다.",

	ReplyBranchMoved:       "`{ref}` 브랜치는 이제 {head} 커밋을 가리키지만, {csr} 건은 승인받은 대로 {sha} 커밋을 배포합니다.",
	ReplyRollbackTarget:    "롤백이 성공하면 {env} 환경은 다시 {target} 건(커밋 {sha}) 기준으로 운영됩니다.",
	ReplyRollbackTargetSHA: "롤백이 성공하면 {env} 환경은 다시 커밋 {sha} 기준으로 운영됩니다.",

	NextRolledBack:    "{csr} 건은 롤백되었습니다. 현재 {env} 환경은 {current} 건(커밋 {sha}) 기준으로 운영 중입니다. 더 할 일은 없습니다.",
	NextRolledBackSHA: "{csr} 건은 롤백되었습니다. 현재 {env} 환경은 커밋 {sha} 기준으로 운영 중입니다. 더 할 일은 없습니다.",
	NextSuperseded:    "{csr} 건은 배포되었고, 현재 {env} 환경은 이후 배포된 {current} 건(커밋 {sha}) 기준으로 운영 중입니다. 더 할 일은 없습니다.",
	NextSupersededSHA: "{csr} 건은 배포되었고, 현재 {env} 환경은 {rollback_of} 건의 롤백으로 복원된 커밋 {sha} 기준으로 운영 중입니다. 더 할 일은 없습니다.",

	RefuseNotCurrentSHA: "{csr} 건은 더 이상 {env} 환경에서 실행 중인 버전이 아닙니다. 현재는 {rollback_of} 건의 롤백으로 복원된 커밋 {sha} 기준으로 운영 중입니다.",
}
