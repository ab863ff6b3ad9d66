-- Services and staff (issue 15), and the original schema's names and meanings back, so that
-- every database ends in one shape: a fresh one, one made with the original agent's SQL
-- (adopted by 0000), and one of ours made before this file.
--
-- - users.contact_number, the original's name (ours called it phone_number), E.164 checked;
--   an adopted number that is not E.164 is kept, so its check starts NOT VALID and
--   `booking db migrate` validates it once every number is (store/postgres/migrate.py
--   rewrites what it can read as E.164 first).
-- - appointments.date, .time and .slot ("HH:MM-HH:MM", start to end) hold the business's
--   local date and time, as the original's did; rows ours wrote in UTC are rewritten.
--   The zone is the setting booking.timezone, set by `booking db migrate`; afterwards the
--   write functions take it as p_timezone from the store.
-- - Each booking takes one person's time (staff, 'main' for a single calendar) from
--   start_at to blocked_until (end_at plus the service's buffer_min). An exclusion
--   constraint refuses two booked rows of one person that overlap, where 0001 refused a
--   second booking of one start. Rows that overlapped before any guard existed (the
--   original had none) are all kept: the later-made of each overlap is flagged
--   legacy_overlap and left out of the constraint, and the write functions refuse new
--   bookings over it themselves.
-- - completed and no_show close past appointments (close_appointment, complete_past).
--
-- Domain errors of the write functions (the adapters translate them):
--   23P01  the person's time is taken (the exclusion constraint, or a flagged row)
--   BK404  no such appointment (for this caller)
--   BK409  an idempotency key reused for a different request
--   BK410  the appointment is no longer booked (or, to close it, has not started)

-- users ---------------------------------------------------------------------------------

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'users'::regclass
               AND attname = 'phone_number' AND NOT attisdropped) THEN
        ALTER TABLE users RENAME COLUMN phone_number TO contact_number;
        ALTER TABLE users RENAME CONSTRAINT users_phone_number_key TO users_contact_number_key;
        ALTER TABLE users RENAME CONSTRAINT users_phone_number_check TO users_contact_number_check;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'users'::regclass
                   AND conname = 'users_contact_number_check') THEN
        ALTER TABLE users ADD CONSTRAINT users_contact_number_check
            CHECK (contact_number ~ '^\+[1-9][0-9]{1,14}$') NOT VALID;
    END IF;
END
$$;

-- appointments: the new columns ---------------------------------------------------------

ALTER TABLE appointments
    ADD COLUMN IF NOT EXISTS slot text,
    ADD COLUMN IF NOT EXISTS end_at timestamptz,
    ADD COLUMN IF NOT EXISTS blocked_until timestamptz,
    ADD COLUMN IF NOT EXISTS buffer_min integer NOT NULL DEFAULT 0 CHECK (buffer_min >= 0),
    ADD COLUMN IF NOT EXISTS service text,              -- NULL: the default service
    ADD COLUMN IF NOT EXISTS staff text NOT NULL DEFAULT 'main',
    ADD COLUMN IF NOT EXISTS legacy_overlap boolean NOT NULL DEFAULT false;

-- The "HH:MM-HH:MM" span of a booking in a zone, as the slot column holds it.
CREATE OR REPLACE FUNCTION local_slot(p_start timestamptz, p_duration_min integer, p_zone text)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(p_start AT TIME ZONE p_zone, 'HH24:MI') || '-'
        || to_char((p_start + make_interval(mins => p_duration_min)) AT TIME ZONE p_zone, 'HH24:MI')
$$;

-- end_at and blocked_until follow start_at, duration_min and buffer_min whoever writes them.
CREATE OR REPLACE FUNCTION set_appointment_span() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.end_at := NEW.start_at + make_interval(mins => NEW.duration_min);
    NEW.blocked_until := NEW.end_at + make_interval(mins => NEW.buffer_min);
    RETURN NEW;
END
$$;

-- What this file rewrites is not an edit of the appointment: updated_at keeps its time.
ALTER TABLE appointments DISABLE TRIGGER appointments_updated_at;

DO $$
DECLARE
    zone text := nullif(current_setting('booking.timezone', true), '');
BEGIN
    -- Rows without a slot are ours, from before this file: their date and time were UTC.
    IF zone IS NULL AND EXISTS (SELECT 1 FROM appointments WHERE slot IS NULL) THEN
        RAISE EXCEPTION 'booking.timezone is not set: appointments'' date and time become the'
                        ' business''s local ones, in a zone only it can say'
            USING HINT = 'run `booking db migrate`, which sets it from BUSINESS_TIMEZONE';
    END IF;
    UPDATE appointments
       SET date = (start_at AT TIME ZONE zone)::date,
           time = (start_at AT TIME ZONE zone)::time,
           slot = local_slot(start_at, duration_min, zone)
     WHERE slot IS NULL;
END
$$;

UPDATE appointments
   SET end_at = start_at + make_interval(mins => duration_min),
       blocked_until = start_at + make_interval(mins => duration_min + buffer_min)
 WHERE end_at IS NULL OR blocked_until IS NULL;

ALTER TABLE appointments
    ALTER COLUMN slot SET NOT NULL,
    ALTER COLUMN end_at SET NOT NULL,
    ALTER COLUMN blocked_until SET NOT NULL;

DROP TRIGGER IF EXISTS appointments_span ON appointments;
CREATE TRIGGER appointments_span BEFORE INSERT OR UPDATE OF start_at, duration_min, buffer_min
    ON appointments FOR EACH ROW EXECUTE FUNCTION set_appointment_span();

ALTER TABLE appointments DROP CONSTRAINT IF EXISTS appointments_status_check;
ALTER TABLE appointments ADD CONSTRAINT appointments_status_check
    CHECK (status IN ('booked', 'cancelled', 'completed', 'rescheduled', 'no_show'));

-- appointments: one booking at a time per person ----------------------------------------

-- Oldest first, a booked row that overlaps an earlier-made booked row of the same person
-- (one not flagged itself) is flagged: each overlap loses its later row, and no more. Only
-- rows that overlap some other are walked, found through a GiST index made for the walk.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX IF NOT EXISTS appointments_overlap_walk ON appointments
    USING gist (staff, tstzrange(start_at, blocked_until, '[)')) WHERE status = 'booked';
DO $$
DECLARE
    appt record;
BEGIN
    FOR appt IN
        SELECT x.id, x.staff, x.start_at, x.blocked_until, x.created_at FROM appointments x
         WHERE x.status = 'booked' AND NOT x.legacy_overlap AND EXISTS (
               SELECT 1 FROM appointments y
                WHERE y.status = 'booked' AND y.staff = x.staff AND y.id <> x.id
                  AND tstzrange(y.start_at, y.blocked_until, '[)')
                      && tstzrange(x.start_at, x.blocked_until, '[)'))
         ORDER BY x.created_at, x.id
    LOOP
        IF EXISTS (
            SELECT 1 FROM appointments a
             WHERE a.status = 'booked' AND NOT a.legacy_overlap AND a.staff = appt.staff
               AND (a.created_at, a.id) < (appt.created_at, appt.id)
               AND tstzrange(a.start_at, a.blocked_until, '[)')
                   && tstzrange(appt.start_at, appt.blocked_until, '[)')
        ) THEN
            UPDATE appointments SET legacy_overlap = true WHERE id = appt.id;
        END IF;
    END LOOP;
END
$$;
DROP INDEX appointments_overlap_walk;

ALTER TABLE appointments ENABLE TRIGGER appointments_updated_at;

DROP INDEX IF EXISTS appointments_one_booking_per_slot;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'appointments'::regclass
                   AND conname = 'appointments_one_person_at_a_time') THEN
        ALTER TABLE appointments ADD CONSTRAINT appointments_one_person_at_a_time
            EXCLUDE USING gist (staff WITH =, tstzrange(start_at, blocked_until, '[)') WITH &&)
            WHERE (status = 'booked' AND NOT legacy_overlap);
    END IF;
END
$$;

-- busy(): booked time still running after a point; appointments_between(): by start.
CREATE INDEX IF NOT EXISTS appointments_booked_until
    ON appointments (blocked_until) WHERE status = 'booked';
CREATE INDEX IF NOT EXISTS appointments_by_start ON appointments (start_at);

-- the analysts' call list, with the number under its original name ----------------------

DROP VIEW IF EXISTS conversation_overview;
CREATE VIEW conversation_overview WITH (security_invoker = true) AS
SELECT c.thread_id, c.started_at, c.ended_at, c.outcome, u.contact_number,
       (SELECT count(*) FROM conversation_turns t
         WHERE t.thread_id = c.thread_id AND t.role = 'caller')::integer AS caller_turns,
       (SELECT max(t.at) FROM conversation_turns t WHERE t.thread_id = c.thread_id) AS last_at
FROM conversations c LEFT JOIN users u ON u.id = c.user_id;

-- the write functions --------------------------------------------------------------------
-- Starts are compared to the second (sub-second parts are dropped), and an idempotency
-- key is looked up before anything else is checked, as in the SQLite store.

DROP FUNCTION IF EXISTS book_appointment(uuid, timestamptz, integer, text, text);
DROP FUNCTION IF EXISTS reschedule_appointment(uuid, uuid, timestamptz, text);

-- Wait for the write lock of each person given, in one order whoever asks. The constraint
-- is what refuses an overlap; the locks only stop two overlapping writes from each waiting
-- for the other to commit (a deadlock, which Postgres would end by failing one of them).
-- A move locks both the person it releases and the one it takes. The locks are the
-- transaction's: released when the write function's statement commits.
CREATE OR REPLACE FUNCTION lock_people(p_people text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    person integer;
BEGIN
    FOR person IN
        SELECT DISTINCT hashtext(p) FROM unnest(p_people) p WHERE p IS NOT NULL ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(x'626f6f6b'::integer, person);  -- "book"
    END LOOP;
END
$$;

-- Refuse a person's time that a flagged row (booked, but outside the constraint) holds.
CREATE OR REPLACE FUNCTION refuse_legacy_overlap(
    p_staff text, p_start timestamptz, p_until timestamptz
) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM appointments
                WHERE legacy_overlap AND status = 'booked' AND staff = p_staff
                  AND start_at < p_until AND p_start < blocked_until) THEN
        RAISE EXCEPTION 'time already booked' USING ERRCODE = '23P01';
    END IF;
END
$$;

-- The row an earlier call with this idempotency key made, when this call is its retry:
-- the same caller, start and person (p_staff NULL: any) and, for a move, the same
-- appointment moved (p_moved; NULL for a booking). NULL (a row of NULLs) for a key not
-- used yet; a key used for anything else raises BK409.
CREATE OR REPLACE FUNCTION keyed_retry(
    p_key text, p_user_id uuid, p_start timestamptz, p_staff text, p_moved uuid
) RETURNS appointments
LANGUAGE plpgsql AS $$
DECLARE
    prior appointments;
BEGIN
    SELECT * INTO prior FROM appointments WHERE idempotency_key = p_key;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF prior.user_id = p_user_id AND prior.start_at = p_start
       AND prior.staff = coalesce(p_staff, prior.staff)
       AND prior.rescheduled_from IS NOT DISTINCT FROM p_moved THEN
        RETURN prior;
    END IF;
    RAISE EXCEPTION 'idempotency key reused for a different request' USING ERRCODE = 'BK409';
END
$$;

CREATE OR REPLACE FUNCTION book_appointment(
    p_user_id uuid, p_start timestamptz, p_duration_min integer, p_key text, p_timezone text,
    p_notes text DEFAULT NULL, p_service text DEFAULT NULL, p_staff text DEFAULT 'main',
    p_buffer_min integer DEFAULT 0
) RETURNS appointments
LANGUAGE plpgsql AS $$
DECLARE
    prior appointments;
    made  appointments;
BEGIN
    p_start := date_trunc('second', p_start, 'UTC');  -- one instant, one spelling
    prior := keyed_retry(p_key, p_user_id, p_start, p_staff, NULL);
    IF prior.id IS NOT NULL THEN
        RETURN prior;  -- a retry: the first result
    END IF;
    PERFORM lock_people(ARRAY[p_staff]);
    PERFORM refuse_legacy_overlap(
        p_staff, p_start, p_start + make_interval(mins => p_duration_min + p_buffer_min));
    BEGIN
        INSERT INTO appointments (user_id, date, time, slot, start_at, duration_min, buffer_min,
                                  service, staff, notes, idempotency_key)
        VALUES (p_user_id, (p_start AT TIME ZONE p_timezone)::date,
                (p_start AT TIME ZONE p_timezone)::time,
                local_slot(p_start, p_duration_min, p_timezone), p_start, p_duration_min,
                p_buffer_min, p_service, p_staff, p_notes, p_key)
        RETURNING * INTO made;
    EXCEPTION WHEN unique_violation OR exclusion_violation THEN
        -- A concurrent request with the same key (another person's: the lock serialises
        -- one person's) may have won, and this statement sees it since it committed: a
        -- retry gets its row, a different request a key conflict; else the time is taken.
        prior := keyed_retry(p_key, p_user_id, p_start, p_staff, NULL);
        IF prior.id IS NOT NULL THEN
            RETURN prior;
        END IF;
        RAISE EXCEPTION 'time already booked' USING ERRCODE = '23P01';
    END;
    RETURN made;
END
$$;

-- p_staff, p_duration_min and p_buffer_min NULL, and p_set_service false, keep the old
-- appointment's (p_service NULL with p_set_service is the default service).
CREATE OR REPLACE FUNCTION reschedule_appointment(
    p_user_id uuid, p_appointment_id uuid, p_new_start timestamptz, p_key text,
    p_timezone text, p_staff text DEFAULT NULL, p_duration_min integer DEFAULT NULL,
    p_buffer_min integer DEFAULT NULL, p_service text DEFAULT NULL,
    p_set_service boolean DEFAULT false
) RETURNS appointments
LANGUAGE plpgsql AS $$
DECLARE
    prior   appointments;
    old     appointments;
    made    appointments;
    minutes integer;
    buffer  integer;
BEGIN
    p_new_start := date_trunc('second', p_new_start, 'UTC');  -- one instant, one spelling
    prior := keyed_retry(p_key, p_user_id, p_new_start, p_staff, p_appointment_id);
    IF prior.id IS NOT NULL THEN
        RETURN prior;  -- a retry: the first result
    END IF;
    SELECT * INTO old FROM appointments
        WHERE id = p_appointment_id AND user_id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appointment not found' USING ERRCODE = 'BK404';
    END IF;
    IF old.status <> 'booked' THEN
        -- A concurrent retry of this very move may have committed while we waited for
        -- the row lock: then this call is a retry too and gets the first result.
        prior := keyed_retry(p_key, p_user_id, p_new_start, p_staff, p_appointment_id);
        IF prior.id IS NOT NULL THEN
            RETURN prior;
        END IF;
        RAISE EXCEPTION 'appointment is not booked' USING ERRCODE = 'BK410';
    END IF;
    p_staff := coalesce(p_staff, old.staff);
    IF old.start_at = p_new_start AND old.staff = p_staff THEN
        RETURN old;  -- moving into its own time changes nothing
    END IF;
    minutes := coalesce(p_duration_min, old.duration_min);
    buffer := coalesce(p_buffer_min, old.buffer_min);
    IF NOT p_set_service THEN
        p_service := old.service;
    END IF;
    -- Release and take in one transaction: the old row, no longer booked, never blocks its
    -- own move, and if the new time is taken the whole function fails and it stays booked.
    PERFORM lock_people(ARRAY[old.staff, p_staff]);
    UPDATE appointments SET status = 'rescheduled' WHERE id = old.id;
    PERFORM refuse_legacy_overlap(
        p_staff, p_new_start, p_new_start + make_interval(mins => minutes + buffer));
    BEGIN
        INSERT INTO appointments (user_id, date, time, slot, start_at, duration_min, buffer_min,
                                  service, staff, notes, idempotency_key, rescheduled_from)
        VALUES (p_user_id, (p_new_start AT TIME ZONE p_timezone)::date,
                (p_new_start AT TIME ZONE p_timezone)::time,
                local_slot(p_new_start, minutes, p_timezone), p_new_start, minutes, buffer,
                p_service, p_staff, old.notes, p_key, old.id)
        RETURNING * INTO made;
    EXCEPTION WHEN unique_violation OR exclusion_violation THEN
        -- A concurrent request (not this move: the row lock serialises those) may have
        -- taken the key: a key conflict; else the time is taken.
        PERFORM keyed_retry(p_key, p_user_id, p_new_start, p_staff, p_appointment_id);
        RAISE EXCEPTION 'time already booked' USING ERRCODE = '23P01';
    END;
    RETURN made;
END
$$;

CREATE OR REPLACE FUNCTION close_appointment(
    p_appointment_id uuid, p_status text, p_now timestamptz
) RETURNS appointments
LANGUAGE plpgsql AS $$
DECLARE
    appt appointments;
BEGIN
    IF p_status IS NULL OR p_status NOT IN ('completed', 'no_show') THEN
        RAISE EXCEPTION 'an appointment closes as completed or no_show, not %', p_status
            USING ERRCODE = '22023';
    END IF;
    SELECT * INTO appt FROM appointments WHERE id = p_appointment_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appointment not found' USING ERRCODE = 'BK404';
    END IF;
    IF appt.status <> 'booked' OR appt.start_at > p_now THEN
        RAISE EXCEPTION 'appointment is not booked, or has not started' USING ERRCODE = 'BK410';
    END IF;
    UPDATE appointments SET status = p_status WHERE id = appt.id RETURNING * INTO appt;
    RETURN appt;
END
$$;

CREATE OR REPLACE FUNCTION complete_past(p_before timestamptz) RETURNS integer
LANGUAGE sql AS $$
    WITH done AS (
        UPDATE appointments SET status = 'completed'
         WHERE status = 'booked' AND end_at < p_before
        RETURNING 1
    )
    SELECT count(*)::integer FROM done
$$;

-- The functions are for the agent only (as 0003 made the first ones): not for PUBLIC,
-- nor Supabase's anon and authenticated roles, which its default privileges grant by name.
DO $$
DECLARE
    agent_only text := concat_ws(', ',
        'keyed_retry(text, uuid, timestamptz, text, uuid)',
        'lock_people(text[])',
        'refuse_legacy_overlap(text, timestamptz, timestamptz)',
        'book_appointment(uuid, timestamptz, integer, text, text, text, text, text, integer)',
        'reschedule_appointment(uuid, uuid, timestamptz, text, text, text, integer, integer,'
            ' text, boolean)',
        'close_appointment(uuid, text, timestamptz)',
        'complete_past(timestamptz)');
    api_role text;
BEGIN
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', agent_only);
    REVOKE ALL ON conversation_overview FROM PUBLIC;
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = api_role) THEN
            EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %I', agent_only, api_role);
            EXECUTE format('REVOKE ALL ON conversation_overview FROM %I', api_role);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO service_role', agent_only);
        GRANT SELECT ON conversation_overview TO service_role;
    END IF;
END
$$;
