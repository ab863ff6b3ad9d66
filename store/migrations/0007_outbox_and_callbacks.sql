-- The outbox of messages owed to callers, and the callbacks the business owes them (issue 16).
--
-- - notices: one row per message owed about an appointment. Confirmations (booked, moved,
--   cancelled) are written by a trigger on appointments, in the transaction of the write
--   they confirm, whichever path wrote it (the write functions, Supabase's rpc(), psql): a
--   write that rolled back owes nothing, one that committed always owes its notice.
--   Reminders are added by schedule_reminders() as they fall due, once per appointment and
--   offset (the unique constraint). Workers lease due notices with claim_notices() (FOR
--   UPDATE SKIP LOCKED: two never hold one) and end them with finish_notice() or give them
--   back with retry_notice(), both of which act only for the worker holding the lease.
-- - deliveries: each attempt on each channel, for the business and the analysts.
-- - callbacks: one per call at most (conversation_id is the graph's thread id), open until
--   staff mark it done. Not a foreign key to conversations: what is owed a caller outlives
--   whatever happens to the call's record, and is written whether or not the call's row is.

CREATE TABLE IF NOT EXISTS notices (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    appointment_id   uuid NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('booked', 'moved', 'cancelled', 'reminder')),
    reminder_minutes integer                  -- how long before the start; reminders only
                     CHECK ((kind = 'reminder') = (reminder_minutes IS NOT NULL)
                            AND reminder_minutes > 0),
    due_at           timestamptz NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    leased_by        text,                    -- the worker that claimed it last
    lease_until      timestamptz,             -- no other worker claims it before this
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    -- One reminder per appointment and offset; confirmations have no offset (NULLs are
    -- distinct), so the constraint is plain and ON CONFLICT can name its columns.
    CONSTRAINT notices_one_reminder UNIQUE (appointment_id, kind, reminder_minutes)
);

-- Claiming reads the due pending notices, oldest first: only pending rows are indexed, so
-- the index stays the size of the backlog however many notices have been sent.
CREATE INDEX IF NOT EXISTS notices_pending_due ON notices (due_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS deliveries (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id uuid NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    channel   text NOT NULL,                  -- "sms", "email", ...
    at        timestamptz NOT NULL,
    ok        boolean NOT NULL,
    detail    text NOT NULL DEFAULT ''        -- provider message id, or the error (no secrets)
);
CREATE INDEX IF NOT EXISTS deliveries_by_notice ON deliveries (notice_id, at, id);

CREATE TABLE IF NOT EXISTS callbacks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id text UNIQUE,              -- the graph's thread id; NULL: not from a call
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    phone           text CHECK (phone ~ '^\+[1-9][0-9]{1,14}$'),
    name            text,
    need            text NOT NULL,
    reason          text NOT NULL
                    CHECK (reason IN ('message', 'callback_offer', 'transfer_failed', 'refused')),
    created_at      timestamptz NOT NULL,
    done_at         timestamptz,
    done_by         text
);
-- Staff read the open ones, oldest first.
CREATE INDEX IF NOT EXISTS callbacks_open ON callbacks (created_at) WHERE done_at IS NULL;

-- confirmations, written by the database ------------------------------------------------

-- A new booked row owes a confirmation: `moved` if a move made it (the old row becoming
-- rescheduled owes nothing more), else `booked`. A row that stops being booked (cancelled,
-- moved, closed) owes no reminder any more: pending ones are skipped, so a worker never
-- sends one (it checks the appointment again at send time as well). A cancelled row owes
-- `cancelled`. Completed and no-show owe nothing.
CREATE OR REPLACE FUNCTION appointment_notices() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'booked' THEN
            INSERT INTO notices (appointment_id, kind, due_at)
            VALUES (NEW.id, CASE WHEN NEW.rescheduled_from IS NULL THEN 'booked' ELSE 'moved' END,
                    now());
        END IF;
        RETURN NULL;
    END IF;
    IF OLD.status = 'booked' AND NEW.status <> 'booked' THEN
        UPDATE notices SET status = 'skipped', finished_at = now()
         WHERE appointment_id = NEW.id AND kind = 'reminder' AND status = 'pending';
    END IF;
    IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
        INSERT INTO notices (appointment_id, kind, due_at) VALUES (NEW.id, 'cancelled', now());
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS appointments_notices ON appointments;
CREATE TRIGGER appointments_notices AFTER INSERT OR UPDATE OF status ON appointments
    FOR EACH ROW EXECUTE FUNCTION appointment_notices();

-- the outbox's functions (the Postgres store calls them, the Supabase store through rpc()) --

-- Add the reminders due by p_now, one statement per offset, shortest first; return how many.
-- An appointment gets the reminder of offset m when it is booked, starts within m minutes
-- of p_now but later than the next shorter offset (that one is the reminder to send now:
-- a scheduler that was down, or a booking made late, gets the nearest reminder only), and
-- was made before the reminder fell due (else its confirmation has just said it all).
CREATE OR REPLACE FUNCTION schedule_reminders(p_now timestamptz, p_minutes integer[])
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    shorter integer := 0;
    m       integer;
    added   integer;
    total   integer := 0;
BEGIN
    FOR m IN SELECT DISTINCT x FROM unnest(p_minutes) x ORDER BY 1 LOOP
        IF m IS NULL OR m <= 0 THEN
            RAISE EXCEPTION 'a reminder comes a positive number of minutes before, not %', m
                USING ERRCODE = '22023';
        END IF;
        INSERT INTO notices (appointment_id, kind, reminder_minutes, due_at)
        SELECT id, 'reminder', m, start_at - make_interval(mins => m)
          FROM appointments
         WHERE status = 'booked'
           AND start_at > p_now + make_interval(mins => shorter)
           AND start_at <= p_now + make_interval(mins => m)
           AND created_at <= start_at - make_interval(mins => m)
        ON CONFLICT (appointment_id, kind, reminder_minutes) DO NOTHING;
        GET DIAGNOSTICS added = ROW_COUNT;
        total := total + added;
        shorter := m;
    END LOOP;
    RETURN total;
END
$$;

-- Lease up to p_limit due pending notices to p_worker, oldest first. SKIP LOCKED passes
-- over rows another worker is claiming this instant; the lease keeps them from being
-- claimed again once it has committed, until it runs out.
CREATE OR REPLACE FUNCTION claim_notices(
    p_now timestamptz, p_limit integer, p_lease_until timestamptz, p_worker text
) RETURNS SETOF notices
LANGUAGE sql AS $$
    WITH claimed AS (
        UPDATE notices SET leased_by = p_worker, lease_until = p_lease_until
         WHERE id IN (SELECT id FROM notices
                       WHERE status = 'pending' AND due_at <= p_now
                         AND (lease_until IS NULL OR lease_until < p_now)
                       ORDER BY due_at
                       LIMIT p_limit
                       FOR UPDATE SKIP LOCKED)
        RETURNING *
    )
    SELECT * FROM claimed ORDER BY due_at, id
$$;

-- End a notice leased to p_worker; false (and nothing changed) when it is not leased to
-- it any more: its lease ran out and another worker claimed it, or it was skipped. Sent
-- and failed count the attempt they end.
CREATE OR REPLACE FUNCTION finish_notice(p_id uuid, p_worker text, p_outcome text)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF p_outcome IS NULL OR p_outcome NOT IN ('sent', 'failed', 'skipped') THEN
        RAISE EXCEPTION 'a notice ends sent, failed or skipped, not %', p_outcome
            USING ERRCODE = '22023';
    END IF;
    UPDATE notices
       SET status = p_outcome, finished_at = now(), lease_until = NULL,
           attempts = attempts + (p_outcome <> 'skipped')::integer
     WHERE id = p_id AND status = 'pending' AND leased_by = p_worker;
    RETURN FOUND;
END
$$;

-- Give a notice leased to p_worker back, due again at p_at, one attempt more; false (and
-- nothing changed) when it is not leased to it any more.
CREATE OR REPLACE FUNCTION retry_notice(p_id uuid, p_worker text, p_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE notices
       SET due_at = p_at, attempts = attempts + 1, leased_by = NULL, lease_until = NULL
     WHERE id = p_id AND status = 'pending' AND leased_by = p_worker;
    RETURN FOUND;
END
$$;

-- One callback per call: a second request of the same call updates what is needed and
-- why, and who the caller is where it says more (a NULL keeps what the first said).
CREATE OR REPLACE FUNCTION request_callback(
    p_conversation_id text, p_user_id uuid, p_phone text, p_name text, p_need text,
    p_reason text, p_at timestamptz
) RETURNS callbacks
LANGUAGE sql AS $$
    INSERT INTO callbacks (conversation_id, user_id, phone, name, need, reason, created_at)
    VALUES (p_conversation_id, p_user_id, p_phone, p_name, p_need, p_reason, p_at)
    ON CONFLICT (conversation_id) DO UPDATE
       SET user_id = coalesce(excluded.user_id, callbacks.user_id),
           phone = coalesce(excluded.phone, callbacks.phone),
           name = coalesce(excluded.name, callbacks.name),
           need = excluded.need,
           reason = excluded.reason
    RETURNING *
$$;

-- row-level security and grants, as 0003 and 0006 ------------------------------------------

ALTER TABLE notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE callbacks ENABLE ROW LEVEL SECURITY;

DO $$
DECLARE
    agent_only text := concat_ws(', ',
        'appointment_notices()',
        'schedule_reminders(timestamptz, integer[])',
        'claim_notices(timestamptz, integer, timestamptz, text)',
        'finish_notice(uuid, text, text)',
        'retry_notice(uuid, text, timestamptz)',
        'request_callback(text, uuid, text, text, text, text, timestamptz)');
    api_role text;
BEGIN
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', agent_only);
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = api_role) THEN
            EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %I', agent_only, api_role);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO service_role', agent_only);
    END IF;
END
$$;
