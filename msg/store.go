package msg

// Sentences about the release store itself: listings that page, a store
// failing over, writes not confirmed by replicas, data the store lost,
// and what doctor finds about Redis's durability.
const (
	StoreListPage     ID = "store.list_page"
	StoreListLastPage ID = "store.list_last_page"
	StoreListPastEnd  ID = "store.list_past_end"

	StoreRefuseFailingOver ID = "store.refuse_failing_over"
	StoreNextFailingOver   ID = "store.next_failing_over"
	StoreRefuseUnconfirmed ID = "store.refuse_unconfirmed"
	StoreNextUnconfirmed   ID = "store.next_unconfirmed"
	StoreRefuseLost        ID = "store.refuse_lost"
	StoreNoteLost          ID = "store.note_lost"
	StoreNextLost          ID = "store.next_lost"

	StoreDoctorKind          ID = "store.doctor_kind"
	StoreDoctorClusterNode   ID = "store.doctor_cluster_node"
	StoreDoctorPersistent    ID = "store.doctor_persistent"
	StoreDoctorNoPersistence ID = "store.doctor_no_persistence"
	StoreDoctorConfigHidden  ID = "store.doctor_config_hidden"
	StoreDoctorReplicas      ID = "store.doctor_replicas"
	StoreDoctorIntact        ID = "store.doctor_intact"
	StoreDoctorNew           ID = "store.doctor_new"
	StoreDoctorLost          ID = "store.doctor_lost"
	StoreDoctorCheckFailed   ID = "store.doctor_check_failed"
)

var storeEnglish = Catalog{
	StoreListPage:     "Showing {from}–{to} of {total|# CSR|# CSRs}; more: `{next}`",
	StoreListLastPage: "Showing {from}–{to} of {total|# CSR|# CSRs}:",
	StoreListPastEnd:  "Page {page} is past the end: {total|# CSR fills|# CSRs fill} {pages|# page|# pages} of {size}.",

	StoreRefuseFailingOver: "the release store (Redis) is failing over or loading its data, so nothing was read or changed.",
	StoreNextFailingOver:   "try again in a moment; if it lasts more than a minute, ask an admin to run `releasebot doctor`.",
	StoreRefuseUnconfirmed: "the change was written, but too few Redis replicas confirmed it, so it may not survive a failover; it is not confirmed.",
	StoreNextUnconfirmed:   "look with `show` in a moment before repeating it, and ask an admin to check the Redis replicas (`releasebot doctor`).",
	StoreRefuseLost:        "{csr} was created, but the release store lost it: Redis lost data ({since}). Its number will not be handed out again.",
	StoreNoteLost: "🚨 The release store (Redis) lost data: {problem}. CSRs and runs may be missing; new CSR numbers continue above every number seen, so none is reused. " +
		"Check Redis (persistence, the last failover), restore it from a backup if there is one, and run `releasebot doctor`.",
	StoreNextLost: "ask an admin to restore the store from a backup; `releasebot doctor` shows what was found.",

	StoreDoctorKind:          "{kind} at {url}; writes wait for {replicas|# replica|# replicas}",
	StoreDoctorClusterNode:   "{url} names one node of a Redis Cluster; the bot found the cluster, but say so in the URL: {suggest}",
	StoreDoctorPersistent:    "Redis keeps its data on disk (appendonly {aof}, save \"{save}\")",
	StoreDoctorNoPersistence: "Redis keeps nothing on disk (appendonly no, save \"\"): a restart loses every CSR. Turn on `appendonly yes` or RDB snapshots.",
	StoreDoctorConfigHidden:  "Redis does not let the bot read its configuration ({error}); check persistence (appendonly, save) where Redis is managed.",
	StoreDoctorReplicas:      "the primary has {replicas|# replica|# replicas} connected, fewer than the {want} min_replicas asks for: every change will be refused as unconfirmed.",
	StoreDoctorIntact:        "the store is intact: made {created}, CSR numbers up to {high} handed out",
	StoreDoctorNew:           "the store is new: no CSR was created yet",
	StoreDoctorLost:          "THE STORE LOST DATA: {problems}",
	StoreDoctorCheckFailed:   "the integrity check could not run: {error}",
}
