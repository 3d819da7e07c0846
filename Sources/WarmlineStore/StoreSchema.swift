import GRDB

/// The database schema as named, append-only migrations: add a new one, never edit a shipped one.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-calls-events-subscribers-daypasses-outbox-callbacks") { db in
            try db.execute(sql: """
                CREATE TABLE calls (
                    id TEXT PRIMARY KEY NOT NULL,
                    line INTEGER NOT NULL,
                    caller_id TEXT,
                    started_at_ms INTEGER NOT NULL,
                    answered_at_ms INTEGER,
                    ended_at_ms INTEGER,
                    outcome TEXT,
                    language TEXT,
                    handoff_target TEXT,
                    handoff_latency_ms INTEGER
                );
                CREATE INDEX calls_started ON calls(started_at_ms);

                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    call_id TEXT,
                    frame_time INTEGER NOT NULL,
                    wall_time_ms INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    payload TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX events_wall_time ON events(wall_time_ms);
                CREATE INDEX events_call ON events(call_id, id);
                CREATE INDEX events_type_time ON events(type, wall_time_ms);
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

                CREATE TABLE subscribers (
                    msisdn TEXT PRIMARY KEY NOT NULL,
                    balance_minor INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                );

                CREATE TABLE day_passes (
                    id INTEGER PRIMARY KEY,
                    idempotency_key TEXT NOT NULL UNIQUE,
                    msisdn TEXT NOT NULL,
                    call_id TEXT,
                    granted_at_ms INTEGER NOT NULL,
                    expires_at_ms INTEGER NOT NULL
                );
                CREATE INDEX day_passes_msisdn ON day_passes(msisdn, granted_at_ms);

                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    day_pass_id INTEGER REFERENCES day_passes(id),
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at_ms INTEGER NOT NULL,
                    sent_at_ms INTEGER
                );
                CREATE INDEX outbox_status ON outbox(status, id);

                CREATE TABLE callbacks (
                    id INTEGER PRIMARY KEY,
                    call_id TEXT,
                    caller_id TEXT NOT NULL,
                    requested_at_ms INTEGER NOT NULL,
                    reason TEXT,
                    language TEXT,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done'))
                );
                CREATE INDEX callbacks_requested ON callbacks(requested_at_ms);
                """)
        }
        migrator.registerMigration("v2-day-pass-provisional") { db in
            // a pass granted with the balance unknown is provisional until an agent confirms it
            try db.execute(sql: "ALTER TABLE day_passes ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }

    /// Every table, in the order an export writes them.
    static let tableNames = ["calls", "events", "subscribers", "day_passes", "outbox", "callbacks"]
}
