-- The original agent's schema (users, appointments, conversations; uuid keys) plus what
-- integrity needs. Safe to run twice: every statement is IF NOT EXISTS or replaceable.
-- A database made with the original SQL has these tables already: 0000 gave them the
-- columns this file indexes and references. 0006 brings every path to one shape.

CREATE TABLE IF NOT EXISTS users (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contact_number text NOT NULL UNIQUE CHECK (contact_number ~ '^\+[1-9][0-9]{1,14}$'),
    name           text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS appointments (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES users (id),
    date             date NOT NULL,          -- the original columns (local since 0006)
    time             time NOT NULL,
    start_at         timestamptz NOT NULL,   -- the unambiguous instant
    duration_min     integer NOT NULL CHECK (duration_min > 0),
    status           text NOT NULL DEFAULT 'booked'
                     CHECK (status IN ('booked', 'cancelled', 'rescheduled')),
    notes            text,
    idempotency_key  text UNIQUE,            -- book and reschedule retries
    cancel_key       text UNIQUE,            -- cancel retries
    rescheduled_from uuid REFERENCES appointments (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- The database itself refuses a double booking (never check-then-insert): since 0006 an
-- exclusion constraint per person; a database that ran this file before had a unique index
-- on the start of booked rows here, which 0006 drops.
CREATE INDEX IF NOT EXISTS appointments_by_user_start ON appointments (user_id, start_at);

CREATE TABLE IF NOT EXISTS conversations (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    thread_id              text NOT NULL UNIQUE,   -- the graph's thread_id
    user_id                uuid REFERENCES users (id),
    started_at             timestamptz NOT NULL,
    ended_at               timestamptz,
    outcome                text,
    summary                text,
    appointments_discussed jsonb NOT NULL DEFAULT '[]'::jsonb,
    preferences_mentioned  jsonb NOT NULL DEFAULT '[]'::jsonb,
    transcript             jsonb NOT NULL DEFAULT '[]'::jsonb,  -- filled at the end
    cost_breakdown         jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- One row per transcript line, so a step's cost does not grow with the call.
CREATE TABLE IF NOT EXISTS conversation_turns (
    thread_id   text NOT NULL REFERENCES conversations (thread_id) ON DELETE CASCADE,
    idx         integer NOT NULL,
    role        text NOT NULL CHECK (role IN ('caller', 'agent')),
    text        text NOT NULL,
    at          timestamptz NOT NULL,
    interrupted boolean NOT NULL DEFAULT false,
    PRIMARY KEY (thread_id, idx)
);

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS users_updated_at ON users;
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
DROP TRIGGER IF EXISTS appointments_updated_at ON appointments;
CREATE TRIGGER appointments_updated_at BEFORE UPDATE ON appointments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
DROP TRIGGER IF EXISTS conversations_updated_at ON conversations;
CREATE TRIGGER conversations_updated_at BEFORE UPDATE ON conversations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
