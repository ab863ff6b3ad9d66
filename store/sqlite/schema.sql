-- Schema of the SQLite store, version 6 (`SCHEMA_VERSION` in connection.py; PRAGMA
-- user_version records it). The same tables and columns as the Postgres migrations
-- (tests/store/test_schema_parity.py holds the differences). Timestamps are UTC ISO-8601
-- text, which sorts chronologically as text.
--
-- The script is a history, one part per version, each headed "-- version N:". A file below
-- SCHEMA_VERSION runs, in one transaction, each part above its own version (a new file is
-- version 0: all of them), each followed by what its version does in Python (upgrade.py).
-- So a new file is made exactly as an old one is upgraded, and ends in the same shape.

-- version 3: users, appointments and calls (v1), the call list (v2), identity checks (v3).
-- Every statement is IF NOT EXISTS, so this part also completes a v1 or a v2 file.

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

-- version 4: services and staff. Each booking takes one person's time (`staff`, 'main' for
-- a business with one calendar) from start_at to blocked_until (its end plus the service's
-- buffer), and the database refuses a booking that overlaps another of the same person,
-- where v3 refused a second booking of one start. The original schema's names and meanings
-- come back: users.contact_number, and appointments.date / time / slot in the business's
-- local time, which connection.py fills in (SQL here does not know the zone).
-- Renaming the column rewrites the conversation_overview view's reference to it as well.
ALTER TABLE users RENAME COLUMN phone_number TO contact_number;

-- SQLite cannot alter a CHECK or add a NOT NULL column without a default, so appointments
-- is rebuilt the documented way (https://www.sqlite.org/lang_altertable.html#otheralter:
-- new table, copy, drop, rename; connection.py keeps foreign keys off while it runs and
-- checks them before committing). Ids, rows and statuses are kept as they were.
CREATE TABLE appointments_v4 (
    id               TEXT PRIMARY KEY,                  -- uuid4
    user_id          TEXT NOT NULL REFERENCES users(id),
    date             TEXT NOT NULL,                     -- local YYYY-MM-DD (the business's zone)
    time             TEXT NOT NULL,                     -- local HH:MM
    slot             TEXT NOT NULL,                     -- local 'HH:MM-HH:MM', start to end
    start_at         TEXT NOT NULL,                     -- UTC YYYY-MM-DDTHH:MM:SS+00:00
    end_at           TEXT NOT NULL,                     -- UTC, start_at + duration_min
    blocked_until    TEXT NOT NULL,                     -- UTC, end_at + buffer_min
    duration_min     INTEGER NOT NULL CHECK (duration_min > 0),
    buffer_min       INTEGER NOT NULL DEFAULT 0 CHECK (buffer_min >= 0),
    service          TEXT,                              -- the service's id; NULL: the default one
    staff            TEXT NOT NULL DEFAULT 'main',      -- whose time it takes
    status           TEXT NOT NULL DEFAULT 'booked'
                     CHECK (status IN ('booked', 'cancelled', 'rescheduled', 'completed', 'no_show')),
    legacy_overlap   INTEGER NOT NULL DEFAULT 0         -- 1: overlapped an earlier booking before
                     CHECK (legacy_overlap IN (0, 1)),  -- the guard existed; kept, not checked
    notes            TEXT,
    idempotency_key  TEXT UNIQUE,                       -- key of the book/reschedule that made the row
    cancel_key       TEXT UNIQUE,                       -- key of the cancel that ended the row
    rescheduled_from TEXT REFERENCES appointments(id),
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
    -- The guard trusts blocked_until, so whoever writes a row, its end and the end of its
    -- buffer follow from its start, length and buffer (IS: an unreadable start fails too).
    CHECK (end_at IS strftime('%Y-%m-%dT%H:%M:%S+00:00', start_at, '+' || duration_min || ' minutes')
           AND blocked_until
               IS strftime('%Y-%m-%dT%H:%M:%S+00:00', end_at, '+' || buffer_min || ' minutes'))
);

-- A v3 row had no buffer and was of the single calendar. Its date, time and slot are
-- written in local time right after this script, in the same transaction, and overlaps
-- among old rows flagged (upgrade.py).
INSERT INTO appointments_v4 (
    id, user_id, date, time, slot, start_at, end_at, blocked_until, duration_min, status,
    notes, idempotency_key, cancel_key, rescheduled_from, created_at, updated_at
)
SELECT id, user_id, date, time, '', start_at, ends, ends, duration_min, status,
       notes, idempotency_key, cancel_key, rescheduled_from, created_at, updated_at
  FROM (SELECT *, strftime('%Y-%m-%dT%H:%M:%S+00:00', start_at, '+' || duration_min || ' minutes')
                  AS ends
          FROM appointments);
DROP TABLE appointments;
ALTER TABLE appointments_v4 RENAME TO appointments;

CREATE INDEX appointments_by_user ON appointments (user_id, start_at);
CREATE INDEX appointments_by_start ON appointments (start_at);   -- the business's list
-- What the guard and busy() ask, "booked, start_at < end and blocked_until > start", reads
-- here only the bookings that end after `start`: the upcoming ones, not the whole history
-- of a person as an index on (staff, start_at) would (9 ms against 5 us a booking at 40,000
-- past rows; SQLite picks the staff index when both exist, so there is none).
CREATE INDEX appointments_booked_until ON appointments (blocked_until) WHERE status = 'booked';

-- The WHEN clause stops the trigger's own UPDATE from firing it again.
CREATE TRIGGER appointments_touch_updated_at
AFTER UPDATE ON appointments FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE appointments
       SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
     WHERE id = NEW.id;
END;

-- The double-booking guard: the database itself refuses a booked row whose time overlaps
-- another booked row of the same person, [start_at, blocked_until) against the same of
-- the other. The store's writes run in BEGIN IMMEDIATE, so no other write comes between
-- this check and the row it lets in. The store maps the message to SlotUnavailable.
-- A row flagged legacy_overlap is not checked itself, but it blocks new ones like any
-- booking (as in Postgres, where the write functions refuse them over it).
CREATE TRIGGER appointments_no_overlap_on_insert
BEFORE INSERT ON appointments FOR EACH ROW
WHEN NEW.status = 'booked' AND NEW.legacy_overlap = 0
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap: that time of this person is booked')
     WHERE EXISTS (SELECT 1 FROM appointments o
                    WHERE o.staff = NEW.staff AND o.status = 'booked'
                      AND o.start_at < NEW.blocked_until AND NEW.start_at < o.blocked_until);
END;

-- The same when a row becomes booked again or its time or person changes (not by the store,
-- which never moves a row in place, but by anyone editing the file).
CREATE TRIGGER appointments_no_overlap_on_update
BEFORE UPDATE OF status, staff, start_at, blocked_until, legacy_overlap ON appointments
FOR EACH ROW WHEN NEW.status = 'booked' AND NEW.legacy_overlap = 0
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap: that time of this person is booked')
     WHERE EXISTS (SELECT 1 FROM appointments o
                    WHERE o.staff = NEW.staff AND o.status = 'booked'
                      AND o.id <> NEW.id
                      AND o.start_at < NEW.blocked_until AND NEW.start_at < o.blocked_until);
END;

-- version 5: the outbox of notices owed to callers, their deliveries, and callbacks (the
-- same tables as migrations/0007_outbox_and_callbacks.sql, whose header says what each is
-- for). A notice's id is made here, a uuid4 in text, since triggers write them too. Its
-- instants are written in one fixed width, microseconds always ("%f000": %f has three
-- digits), so comparing them as text compares them as time (outbox.py's `stamp`).
CREATE TABLE notices (
    id               TEXT PRIMARY KEY DEFAULT (lower(
                         hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
                         || substr(hex(randomblob(2)), 2) || '-'
                         || substr('89ab', 1 + (abs(random()) % 4), 1)
                         || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    appointment_id   TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('booked', 'moved', 'cancelled', 'reminder')),
    reminder_minutes INTEGER                            -- how long before the start; reminders only
                     CHECK ((kind = 'reminder') = (reminder_minutes IS NOT NULL)
                            AND reminder_minutes > 0),
    due_at           TEXT NOT NULL,                     -- UTC ISO
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    leased_by        TEXT,                              -- the worker that claimed it last
    lease_until      TEXT,                              -- no other worker claims it before this
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')),
    finished_at      TEXT,
    UNIQUE (appointment_id, kind, reminder_minutes)     -- one reminder per offset (NULLs differ)
);
CREATE INDEX notices_pending_due ON notices (due_at) WHERE status = 'pending';

CREATE TABLE deliveries (
    id        INTEGER PRIMARY KEY,                      -- the order attempts were recorded in
    notice_id TEXT NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    channel   TEXT NOT NULL,
    at        TEXT NOT NULL,                            -- UTC ISO
    ok        INTEGER NOT NULL CHECK (ok IN (0, 1)),
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_by_notice ON deliveries (notice_id, at, id);

CREATE TABLE callbacks (
    id              TEXT PRIMARY KEY,                   -- uuid4
    conversation_id TEXT UNIQUE,                        -- the graph's thread id; one per call
    user_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
    phone           TEXT CHECK (phone GLOB '+[1-9]*'),  -- E.164
    name            TEXT,
    need            TEXT NOT NULL,
    reason          TEXT NOT NULL
                    CHECK (reason IN ('message', 'callback_offer', 'transfer_failed', 'refused')),
    created_at      TEXT NOT NULL,                      -- UTC ISO
    done_at         TEXT,
    done_by         TEXT
);
CREATE INDEX callbacks_open ON callbacks (created_at) WHERE done_at IS NULL;

-- Confirmations are written in the transaction of the write they confirm, as in Postgres:
-- a new booked row owes `booked` (`moved` if a move made it); a cancelled one `cancelled`;
-- a row that stops being booked owes no reminder any more.
CREATE TRIGGER appointments_notice_on_insert
AFTER INSERT ON appointments FOR EACH ROW WHEN NEW.status = 'booked'
BEGIN
    INSERT INTO notices (appointment_id, kind, due_at)
    VALUES (NEW.id, CASE WHEN NEW.rescheduled_from IS NULL THEN 'booked' ELSE 'moved' END,
            strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'));
END;

CREATE TRIGGER appointments_reminders_skipped
AFTER UPDATE OF status ON appointments FOR EACH ROW
WHEN OLD.status = 'booked' AND NEW.status <> 'booked'
BEGIN
    UPDATE notices SET status = 'skipped', finished_at = strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')
     WHERE appointment_id = NEW.id AND kind = 'reminder' AND status = 'pending';
END;

CREATE TRIGGER appointments_notice_on_cancel
AFTER UPDATE OF status ON appointments FOR EACH ROW
WHEN NEW.status = 'cancelled' AND OLD.status <> 'cancelled'
BEGIN
    INSERT INTO notices (appointment_id, kind, due_at)
    VALUES (NEW.id, 'cancelled', strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'));
END;

-- version 6: callers' e-mail addresses, and notices to staff of each callback (the same as
-- migrations/0008_notify_delivery.sql, whose header says what each is for). A notice is
-- about an appointment or, of kind `callback`, a callback: appointment_id becomes
-- nullable, which SQLite cannot alter, so notices is rebuilt the documented way (as
-- appointments in version 4), its rows, ids and order (rowid, which claims read) kept. The
-- triggers that write notices are made again around it.
-- Loosely an address (one @, something either side, no space), as 0008's check.
ALTER TABLE users ADD COLUMN email TEXT
    CHECK (email GLOB '?*@?*' AND email NOT GLOB '*@*@*' AND email NOT GLOB '*[ ]*');

DROP TRIGGER appointments_notice_on_insert;
DROP TRIGGER appointments_reminders_skipped;
DROP TRIGGER appointments_notice_on_cancel;

CREATE TABLE notices_v6 (
    id               TEXT PRIMARY KEY DEFAULT (lower(
                         hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
                         || substr(hex(randomblob(2)), 2) || '-'
                         || substr('89ab', 1 + (abs(random()) % 4), 1)
                         || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    appointment_id   TEXT REFERENCES appointments(id) ON DELETE CASCADE,
    callback_id      TEXT UNIQUE REFERENCES callbacks(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL
                     CHECK (kind IN ('booked', 'moved', 'cancelled', 'reminder', 'callback')),
    reminder_minutes INTEGER                            -- how long before the start; reminders only
                     CHECK ((kind = 'reminder') = (reminder_minutes IS NOT NULL)
                            AND reminder_minutes > 0),
    due_at           TEXT NOT NULL,                     -- UTC ISO
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    leased_by        TEXT,                              -- the worker that claimed it last
    lease_until      TEXT,                              -- no other worker claims it before this
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')),
    finished_at      TEXT,
    UNIQUE (appointment_id, kind, reminder_minutes),    -- one reminder per offset (NULLs differ)
    -- about exactly one thing: a callback, or an appointment
    CHECK ((kind = 'callback') = (callback_id IS NOT NULL)
           AND (kind = 'callback') = (appointment_id IS NULL))
);
INSERT INTO notices_v6 (
    rowid, id, appointment_id, kind, reminder_minutes, due_at, status, attempts, leased_by,
    lease_until, created_at, finished_at
)
SELECT rowid, id, appointment_id, kind, reminder_minutes, due_at, status, attempts, leased_by,
       lease_until, created_at, finished_at
  FROM notices;
DROP TABLE notices;
ALTER TABLE notices_v6 RENAME TO notices;
CREATE INDEX notices_pending_due ON notices (due_at) WHERE status = 'pending';

CREATE TRIGGER appointments_notice_on_insert
AFTER INSERT ON appointments FOR EACH ROW WHEN NEW.status = 'booked'
BEGIN
    INSERT INTO notices (appointment_id, kind, due_at)
    VALUES (NEW.id, CASE WHEN NEW.rescheduled_from IS NULL THEN 'booked' ELSE 'moved' END,
            strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'));
END;

CREATE TRIGGER appointments_reminders_skipped
AFTER UPDATE OF status ON appointments FOR EACH ROW
WHEN OLD.status = 'booked' AND NEW.status <> 'booked'
BEGIN
    UPDATE notices SET status = 'skipped', finished_at = strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')
     WHERE appointment_id = NEW.id AND kind = 'reminder' AND status = 'pending';
END;

CREATE TRIGGER appointments_notice_on_cancel
AFTER UPDATE OF status ON appointments FOR EACH ROW
WHEN NEW.status = 'cancelled' AND OLD.status <> 'cancelled'
BEGIN
    INSERT INTO notices (appointment_id, kind, due_at)
    VALUES (NEW.id, 'cancelled', strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'));
END;

-- Staff are told of a callback once: an upsert that updates a call's callback inserts no
-- row, so this trigger does not fire for it.
CREATE TRIGGER callbacks_notice
AFTER INSERT ON callbacks FOR EACH ROW
BEGIN
    INSERT INTO notices (callback_id, kind, due_at)
    VALUES (NEW.id, 'callback', strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'));
END;
