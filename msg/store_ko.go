package msg

var storeKorean = Catalog{
	StoreListPage:     "CSR {total}건 중 {from}–{to}번째를 표시합니다. 더 보기: `{next}`",
	StoreListLastPage: "CSR {total}건 중 {from}–{to}번째:",
	StoreListPastEnd:  "{page}쪽은 범위를 벗어났습니다. CSR {total}건은 한 쪽에 {size}건씩 {pages}쪽입니다.",

	StoreRefuseFailingOver: "릴리스 저장소(Redis)가 장애 조치(페일오버) 중이거나 데이터를 불러오는 중이어서 아무것도 조회하거나 변경하지 않았습니다.",
	StoreNextFailingOver:   "잠시 후 다시 시도하세요. 1분 넘게 계속되면 관리자에게 `releasebot doctor` 실행을 요청하세요.",
	StoreRefuseUnconfirmed: "변경 내용은 기록되었지만 확인한 Redis 복제본 수가 부족해, 장애 조치 후 남아 있지 않을 수 있습니다. 반영이 확정되지 않았습니다.",
	StoreNextUnconfirmed:   "다시 실행하기 전에 잠시 후 `show` 명령으로 반영 여부를 확인하고, 관리자에게 Redis 복제본 점검(`releasebot doctor`)을 요청하세요.",
	StoreRefuseLost:        "{csr} 건은 만들어졌지만 릴리스 저장소에서 유실되었습니다. Redis 데이터가 유실되었습니다({since}). 이 번호는 다시 발급되지 않습니다.",
	StoreNoteLost: "🚨 릴리스 저장소(Redis)의 데이터가 유실되었습니다: {problem}. 일부 CSR과 실행 기록이 없을 수 있습니다. 새 CSR 번호는 지금까지 확인된 모든 번호 다음부터 발급되므로 중복되지 않습니다. " +
		"Redis(영속성 설정, 최근 장애 조치)를 점검하고, 백업이 있으면 복원한 뒤 `releasebot doctor`를 실행하세요.",
	StoreNextLost: "관리자에게 백업으로 저장소 복원을 요청하세요. 점검 결과는 `releasebot doctor`로 볼 수 있습니다.",

	StoreDoctorKind:          "{kind}, 주소 {url}. 쓰기는 복제본 {replicas}개의 확인을 기다립니다",
	StoreDoctorClusterNode:   "{url} 주소는 Redis 클러스터의 노드 하나를 가리킵니다. 봇이 클러스터를 찾았지만, URL에 클러스터임을 명시하세요: {suggest}",
	StoreDoctorPersistent:    "Redis가 데이터를 디스크에 저장합니다(`appendonly {aof}`, `save \"{save}\"`)",
	StoreDoctorNoPersistence: "Redis가 디스크에 아무것도 저장하지 않습니다(`appendonly no`, `save \"\"`). 재시작하면 모든 CSR이 사라집니다. `appendonly yes` 또는 RDB 스냅숏을 켜세요.",
	StoreDoctorConfigHidden:  "Redis가 봇에게 설정 조회를 허용하지 않습니다({error}). Redis를 관리하는 곳에서 영속성 설정(`appendonly`, `save`)을 확인하세요.",
	StoreDoctorReplicas:      "주 서버에 연결된 복제본이 {replicas}개로, `min_replicas` 설정값 {want}개보다 적습니다. 모든 변경이 미확정으로 거부됩니다.",
	StoreDoctorIntact:        "저장소 정상: 생성 시각 {created}, 발급된 CSR 번호 최대 {high}",
	StoreDoctorNew:           "새 저장소입니다. 아직 만들어진 CSR이 없습니다",
	StoreDoctorLost:          "저장소 데이터 유실: {problems}",
	StoreDoctorCheckFailed:   "무결성 점검을 실행할 수 없습니다: {error}",
}
