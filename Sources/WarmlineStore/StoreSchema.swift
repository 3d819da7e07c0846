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
        migrator.registerMigration("v3-caller-data-purge") { db in
            // The purge's salt, made once per database and never changed: the same number always gets the same pseudonym.
            try db.execute(sql: """
                CREATE TABLE purge_salt (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    salt TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL
                );
                CREATE TRIGGER purge_salt_fixed_update BEFORE UPDATE ON purge_salt
                    BEGIN SELECT RAISE(ABORT, 'the purge salt is fixed for the life of the database'); END;
                CREATE TRIGGER purge_salt_fixed_delete BEFORE DELETE ON purge_salt
                    BEGIN SELECT RAISE(ABORT, 'the purge salt is fixed for the life of the database'); END;
                DROP TRIGGER events_append_only_update;
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                    WHEN NOT COALESCE((\(pseudonymisingUpdate(keys: v3PseudonymisedPayloadKeys))), 0)
                    BEGIN SELECT RAISE(ABORT, 'events are append-only (only the caller-data purge may replace caller fields with pseudonyms)'); END;
                """)
        }
        migrator.registerMigration("v4-call-outcomes-handoff-reasons") { db in
            // one outcome vocabulary, the hand-off's reason and its timings per call, derived for calls already stored
            try db.execute(sql: """
                ALTER TABLE calls ADD COLUMN handoff_reason TEXT;
                ALTER TABLE calls ADD COLUMN handoff_started_ms INTEGER;
                ALTER TABLE calls ADD COLUMN person_reached_ms INTEGER;
                ALTER TABLE calls ADD COLUMN wait_ms INTEGER;
                ALTER TABLE calls ADD COLUMN duration_ms INTEGER;
                """)
            try OutcomeMigration.run(db)
        }
        return migrator
    }

    /// Payload keys holding a caller's number or name (`key` holds it inside a day pass's idempotency key, `reason` in
    /// a ledger refusal's text), as shipped in v3: the events trigger lets only these change, and only to a pseudonym.
    /// Adding one needs a new migration.
    static let v3PseudonymisedPayloadKeys = ["caller_id", "caller_name", "caller_number", "msisdn", "key", "reason"]

    /// A pseudonym as SQL sees it: `anon:` and 16 lowercase hex digits.
    static let pseudonymGlob = "anon:" + String(repeating: "[0-9a-f]", count: 16)

    /// The trigger's condition for the one UPDATE the events table allows: every column but the payload unchanged, and
    /// the payload unchanged except that some of `keys` went from their value to a pseudonym.
    static func pseudonymisingUpdate(keys: [String]) -> String {
        let replaced = keys.map { "'$.\($0)', json_extract(NEW.payload, '$.\($0)')" }.joined(separator: ", ")
        let eachKey = keys.map { key in
            "(json_extract(NEW.payload, '$.\(key)') IS json_extract(OLD.payload, '$.\(key)') "
                + "OR json_extract(NEW.payload, '$.\(key)') GLOB '\(pseudonymGlob)')"
        }
        return (["NEW.id IS OLD.id", "NEW.call_id IS OLD.call_id", "NEW.frame_time IS OLD.frame_time",
                 "NEW.wall_time_ms IS OLD.wall_time_ms", "NEW.type IS OLD.type",
                 "json_valid(OLD.payload)", "json_valid(NEW.payload)",
                 "NEW.payload = json_replace(OLD.payload, \(replaced))"] + eachKey).joined(separator: " AND ")
    }

    /// Every table, in the order an export writes them.
    static let tableNames = ["calls", "events", "subscribers", "day_passes", "outbox", "callbacks"]
    /// Tables the store keeps for itself and never writes as CSV (the purge's salt).
    static let internalTableNames = ["purge_salt"]
}
