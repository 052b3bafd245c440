// Package schema is the fleet store's database schema: its versions, in
// SQL that SQLite and PostgreSQL both run.
package schema

// Migrations are the schema's versions, applied in order, each once;
// {blob} is the dialect's type for bytes (BLOB, BYTEA). What SQL alone
// does not say of a version runs beside it (the store's steps).
var Migrations = [][]string{
	{
		`CREATE TABLE orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created TEXT NOT NULL)`,
		`CREATE TABLE tokens (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL, revoked TEXT)`,
		`CREATE TABLE devices (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), name TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL, model_version INTEGER NOT NULL)`,
		`CREATE INDEX devices_org ON devices (org_id, id)`,
		`CREATE TABLE versions (device_id TEXT NOT NULL REFERENCES devices(id), kind TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, created TEXT NOT NULL, body {blob} NOT NULL, PRIMARY KEY (device_id, kind, version))`,
		`CREATE TABLE assessments (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), device_id TEXT NOT NULL REFERENCES devices(id), model_version INTEGER NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL, finished TEXT, readiness DOUBLE PRECISION, error TEXT NOT NULL DEFAULT '', report TEXT)`,
		`CREATE INDEX assessments_device ON assessments (device_id, id)`,
		`CREATE INDEX assessments_status ON assessments (status, id)`,
		`CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, org_id TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL, before_sha TEXT NOT NULL, after_sha TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)`,
		`CREATE TABLE checkpoints (seq INTEGER PRIMARY KEY, head TEXT NOT NULL, at TEXT NOT NULL, key TEXT NOT NULL, signature TEXT NOT NULL)`,
	},
	{
		`CREATE TABLE sessions (hash TEXT PRIMARY KEY, token_id TEXT NOT NULL REFERENCES tokens(id), csrf TEXT NOT NULL, created TEXT NOT NULL, expires TEXT NOT NULL)`,
	},
	{
		`CREATE TABLE org_files (org_id TEXT NOT NULL REFERENCES orgs(id), kind TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, created TEXT NOT NULL, body {blob} NOT NULL, PRIMARY KEY (org_id, kind, version))`,
	},
	{
		`ALTER TABLE devices ADD COLUMN site TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX devices_site ON devices (org_id, site, id)`,
	},
	{
		`CREATE TABLE advisories (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), source_id TEXT NOT NULL, title TEXT NOT NULL, records INTEGER NOT NULL, created TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, body {blob} NOT NULL)`,
		`CREATE INDEX advisories_org ON advisories (org_id, id)`,
	},
	{
		`CREATE TABLE cases (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), created TEXT NOT NULL, updated TEXT NOT NULL, body TEXT NOT NULL)`,
		`CREATE INDEX cases_org ON cases (org_id, id)`,
	},
	{
		`CREATE TABLE webhooks (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), url TEXT NOT NULL, secret TEXT NOT NULL, created TEXT NOT NULL, deleted TEXT)`,
		`CREATE TABLE notifications (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), webhook_id TEXT NOT NULL REFERENCES webhooks(id), event TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt TEXT NOT NULL, last_error TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, delivered TEXT)`,
		`CREATE INDEX notifications_due ON notifications (status, next_attempt)`,
		`CREATE INDEX notifications_org ON notifications (org_id, id)`,
	},
	{
		`ALTER TABLE cases ADD COLUMN case_key TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX cases_key ON cases (org_id, case_key)`,
	},
	{
		`CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	},
	{
		`ALTER TABLE assessments ADD COLUMN class TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE assessments ADD COLUMN exploited INTEGER NOT NULL DEFAULT 0`,
		`ALTER TABLE assessments ADD COLUMN missed TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX assessments_done ON assessments (org_id, status, device_id, id)`,
	},
	{
		// A done assessment's summary in a table of its own: the columns
		// added to assessments sit after the report, so reading them read
		// every report.
		`CREATE TABLE summaries (assessment_id TEXT PRIMARY KEY REFERENCES assessments(id), org_id TEXT NOT NULL, device_id TEXT NOT NULL, readiness DOUBLE PRECISION, finished TEXT NOT NULL, class TEXT NOT NULL, exploited INTEGER NOT NULL, missed TEXT NOT NULL)`,
		`CREATE INDEX summaries_device ON summaries (org_id, device_id, assessment_id)`,
		`CREATE INDEX summaries_finished ON summaries (org_id, finished)`,
		`INSERT INTO summaries (assessment_id, org_id, device_id, readiness, finished, class, exploited, missed) SELECT id, org_id, device_id, readiness, finished, class, exploited, missed FROM assessments WHERE status = 'done'`,
		`ALTER TABLE assessments DROP COLUMN class`,
		`ALTER TABLE assessments DROP COLUMN exploited`,
		`ALTER TABLE assessments DROP COLUMN missed`,
	},
	{
		// When an imported advisory was matched against the fleet; NULL
		// until it was.
		`ALTER TABLE advisories ADD COLUMN matched TEXT`,
		`CREATE INDEX advisories_unmatched ON advisories (matched, id)`,
	},
	{
		// The overview, kept up to date as assessments finish: each
		// device's newest done assessment (latest), the organisation's
		// counts of them by readiness tenth, class, missed requirement
		// and exploited (tallies), and each day's readiness (days).
		`CREATE TABLE latest (device_id TEXT PRIMARY KEY REFERENCES devices(id), org_id TEXT NOT NULL, assessment_id TEXT NOT NULL, readiness DOUBLE PRECISION, class TEXT NOT NULL, exploited INTEGER NOT NULL, missed TEXT NOT NULL)`,
		`CREATE INDEX latest_exploited ON latest (org_id, exploited)`,
		`CREATE TABLE tallies (org_id TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (org_id, name))`,
		`CREATE TABLE days (org_id TEXT NOT NULL, day TEXT NOT NULL, total DOUBLE PRECISION NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (org_id, day))`,
		`INSERT INTO latest (device_id, org_id, assessment_id, readiness, class, exploited, missed)
			SELECT s.device_id, s.org_id, s.assessment_id, s.readiness, s.class, s.exploited, s.missed FROM summaries s
			JOIN (SELECT device_id, MAX(assessment_id) AS id FROM summaries GROUP BY device_id) m ON s.assessment_id = m.id`,
		`INSERT INTO days (org_id, day, total, n) SELECT org_id, SUBSTR(finished, 1, 10), SUM(COALESCE(readiness, 0)), COUNT(*) FROM summaries GROUP BY org_id, SUBSTR(finished, 1, 10)`,
	},
	{
		// What each device's newest done assessment matched, by the keys a
		// vulnerability database looks packages up by (store.Keys), so
		// that a re-match reads only the packages a new record can match.
		`CREATE TABLE device_index (device_id TEXT NOT NULL REFERENCES devices(id), org_id TEXT NOT NULL, key TEXT NOT NULL, packages TEXT NOT NULL, PRIMARY KEY (device_id, key))`,
		`CREATE INDEX device_index_key ON device_index (org_id, key)`,
	},
	{
		// A notification's key makes it once per webhook whatever retries
		// the job that queues it; NULL for the ones before.
		`ALTER TABLE notifications ADD COLUMN key TEXT`,
		`CREATE UNIQUE INDEX notifications_key ON notifications (webhook_id, key)`,
		// The vulnerability databases published for the processes that
		// share the store, by content hash, in parts (PostgreSQL).
		`CREATE TABLE data_files (hash TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size BIGINT NOT NULL, parts INTEGER NOT NULL, published TEXT NOT NULL)`,
		`CREATE TABLE data_parts (hash TEXT NOT NULL REFERENCES data_files(hash) ON DELETE CASCADE, part INTEGER NOT NULL, body {blob} NOT NULL, PRIMARY KEY (hash, part))`,
	},
	{
		// Documents rendered from an assessment's check, in formats asked
		// for when it was queued.
		`CREATE TABLE documents (assessment_id TEXT NOT NULL REFERENCES assessments(id), org_id TEXT NOT NULL, format TEXT NOT NULL, status TEXT NOT NULL, content_type TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, finished TEXT, body {blob}, PRIMARY KEY (assessment_id, format))`,
	},
	{
		// Each organisation's sites with their device counts, kept as
		// devices are added and moved: the overview reads them without
		// counting the fleet.
		`CREATE TABLE sites (org_id TEXT NOT NULL, site TEXT NOT NULL, devices INTEGER NOT NULL, PRIMARY KEY (org_id, site))`,
		`INSERT INTO sites (org_id, site, devices) SELECT org_id, site, COUNT(*) FROM devices GROUP BY org_id, site`,
	},
}
