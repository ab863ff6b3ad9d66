-- Schema of the SQLite store, version 3 (`SCHEMA_VERSION` in connection.py; PRAGMA
-- user_version records it). v2 and v3 mark what those versions added.
-- Every statement is idempotent, so opening an older or an up-to-date file is harmless:
-- running the whole script again is the upgrade. The same tables and columns as the
-- Postgres migrations (tests/store/test_schema_parity.py holds the differences).
-- Timestamps are UTC ISO-8601 text, which sorts chronologically as text.

CREATE TABLE IF NOT EXISTS users (
    id           TEXT PRIMARY KEY,                      -- uuid4
    phone_number TEXT NOT NULL UNIQUE
                 CHECK (phone_number GLOB '+[1-9]*'),   -- E.164, normalised by the caller
    name         TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
);

CREATE TABLE IF NOT EXISTS appointments (
    id               TEXT PRIMARY KEY,                  -- uuid4
    user_id          TEXT NOT NULL REFERENCES users(id),
    date             TEXT NOT NULL,                     -- UTC YYYY-MM-DD (business zone unknown here)
    time             TEXT NOT NULL,                     -- UTC HH:MM
    start_at         TEXT NOT NULL,                     -- UTC YYYY-MM-DDTHH:MM:SS+00:00
    duration_min     INTEGER NOT NULL CHECK (duration_min > 0),
    status           TEXT NOT NULL DEFAULT 'booked'
                     CHECK (status IN ('booked', 'cancelled', 'rescheduled')),
    notes            TEXT,
    idempotency_key  TEXT UNIQUE,                       -- key of the book/reschedule that made the row
    cancel_key       TEXT UNIQUE,                       -- key of the cancel that ended the row
    rescheduled_from TEXT REFERENCES appointments(id),
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
);

-- The double-booking guard: the database itself refuses a second booked row per slot.
CREATE UNIQUE INDEX IF NOT EXISTS appointments_one_booking_per_slot
    ON appointments (start_at) WHERE status = 'booked';

CREATE INDEX IF NOT EXISTS appointments_by_user ON appointments (user_id, start_at);

-- The WHEN clause stops the trigger's own UPDATE from firing it again.
CREATE TRIGGER IF NOT EXISTS appointments_touch_updated_at
AFTER UPDATE ON appointments FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE appointments
       SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
     WHERE id = NEW.id;
END;

CREATE TABLE IF NOT EXISTS conversations (
    id                    TEXT PRIMARY KEY,             -- the graph's thread_id
    user_id               TEXT REFERENCES users(id),
    started_at            TEXT NOT NULL,
    ended_at              TEXT,
    outcome               TEXT,
    summary               TEXT,
    appointments_discussed TEXT NOT NULL DEFAULT '[]',  -- JSON list of appointment ids
    preferences_mentioned TEXT NOT NULL DEFAULT '[]',   -- JSON list of strings
    transcript            TEXT NOT NULL DEFAULT '[]',   -- JSON list, copied from turns at finish
    cost_breakdown        TEXT NOT NULL DEFAULT '{}',   -- JSON object
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
);

-- One row per utterance, so appending a turn costs the same however long the call is.
CREATE TABLE IF NOT EXISTS conversation_turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    idx             INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('caller', 'agent')),
    text            TEXT NOT NULL,
    at              TEXT NOT NULL,
    interrupted     INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
    PRIMARY KEY (conversation_id, idx)
);

-- v3: identity checks of spoken numbers, so failures count across calls (nodes/verify.py).
CREATE TABLE IF NOT EXISTS identity_checks (
    user_id TEXT NOT NULL REFERENCES users(id),
    at      TEXT NOT NULL,                              -- UTC ISO
    passed  INTEGER NOT NULL CHECK (passed IN (0, 1))
);
CREATE INDEX IF NOT EXISTS identity_checks_by_user ON identity_checks (user_id, at);

-- v2: the analysts' call list, newest first, in one indexed query.
CREATE INDEX IF NOT EXISTS conversations_by_start ON conversations (started_at);

CREATE VIEW IF NOT EXISTS conversation_overview AS
SELECT c.id, c.started_at, c.ended_at, c.outcome, u.phone_number AS phone,
       (SELECT count(*) FROM conversation_turns t
         WHERE t.conversation_id = c.id AND t.role = 'caller') AS caller_turns,
       (SELECT max(t.at) FROM conversation_turns t WHERE t.conversation_id = c.id) AS last_at
FROM conversations c LEFT JOIN users u ON u.id = c.user_id;
