package msg

var githubKorean = Catalog{
	GitHubReviewWaiting: "실행이 GitHub 환경 {env}의 필수 검토자를 기다리고 있습니다. 검토자가 GitHub에서 승인해야 합니다: {url}",
	GitHubReviewNotMine: "실행이 GitHub 환경 {env}의 필수 검토자를 기다리고 있는데, 봇의 GitHub 계정은 검토자가 아닙니다. 검토자가 GitHub에서 승인해야 합니다: {url}",
	GitHubReviewFailed:  "실행이 GitHub 환경 {env}의 필수 검토자를 기다리고 있는데, 봇이 대신 승인하지 못했습니다({error}). 검토자가 GitHub에서 승인해야 합니다: {url}",

	GitHubTimedOutCancelled: "{timeout} 동안 끝나지 않아 GitHub에서 취소했습니다.",
	GitHubReviewTimedOut:    "GitHub 환경 {env}의 필수 검토자를 {timeout} 동안 기다렸지만 승인되지 않아 GitHub에서 취소했습니다.",
	GitHubWrongCommit:       "워크플로 실행이 빌드한 커밋({got})이 승인된 커밋({want})과 달라 배포 완료로 보지 않습니다.",
	GitHubDeploymentCommit:  "GitHub 배포의 커밋({got})이 승인된 커밋({want})과 달라 배포 완료로 보지 않습니다.",

	DoctorWorkflowOK:         "{service}/{env}: {repo} 저장소의 {workflow} 워크플로가 봇의 실행 요청을 받을 수 있습니다({branch} 브랜치 기준으로 확인. 실제 배포는 배포하는 커밋의 워크플로 파일로 실행됩니다).",
	DoctorWorkflowBad:        "{service}/{env}: {repo} 저장소의 {workflow} 워크플로: {problem}",
	DoctorWorkflowMissing:    "존재하지 않습니다. 기본 브랜치에 `.github/workflows/{workflow}` 파일을 추가하거나 설정의 `workflow` 값을 고치세요.",
	DoctorWorkflowInactive:   "현재 상태: {state}. 저장소의 Actions 탭에서 활성화하세요.",
	DoctorWorkflowUnreadable: "읽을 수 없습니다({error}). 토큰 또는 앱 설치에 Actions와 콘텐츠 읽기 권한이 있는지 확인하세요.",
	DoctorWorkflowBadYAML:    "올바른 YAML이 아닙니다({error}). 파일을 고치세요.",
	DoctorWorkflowNoDispatch: "`on:` 아래에 `workflow_dispatch` 트리거가 없습니다. 추가하지 않으면 봇이 워크플로를 시작할 수 없습니다.",
	DoctorWorkflowUndeclared: "봇이 보내는 입력값({inputs})을 선언하지 않아 GitHub가 모든 실행 요청을 거부합니다(`422 Unexpected inputs provided`). `on.workflow_dispatch.inputs` 아래에 선언하거나, 설정의 배포 도구 입력값에서 빼세요.",
	DoctorWorkflowRequired:   "봇이 보내지 않는 입력값({inputs})을 필수로 요구하므로 GitHub가 모든 실행 요청을 거부합니다. 기본값을 주거나 선택 항목으로 바꾸거나, 설정의 배포 도구 입력값에 지정하세요.",
	DoctorWorkflowNoMarker:   "`run-name`에 {marker} 표시가 없어 봇이 자신이 시작한 실행을 알아볼 수 없습니다. `run-name: \"Deploy {example}\"` 형식으로 설정하세요.",

	DoctorEnvironmentOK:  "{service}/{env}: {repo} 저장소에 {environment} GitHub 환경이 있습니다.",
	DoctorEnvironmentBad: "{service}/{env}: {repo} 저장소에 {environment} GitHub 환경이 없습니다. 만들거나(`Settings → Environments`), 설정의 `environment` 값을 고치세요.",
	DoctorEnvironmentErr: "{service}/{env}: {repo} 저장소의 {environment} GitHub 환경을 읽을 수 없습니다({error}).",
}
