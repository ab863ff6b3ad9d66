-- Every write that must be atomic is one function, called by the Postgres store directly
-- and by the Supabase store through PostgREST's rpc(), so integrity never depends on the
-- client. Domain errors carry their own SQLSTATE for the adapters to translate:
--   23505  the slot is already booked (the partial unique index refused it)
--   BK404  no such appointment for this caller (also: someone else's)
--   BK409  an idempotency key reused for a different request
--   BK410  the appointment is no longer booked (cancelled or moved)
-- Semantics match the SQLite store: starts are compared to the second (sub-second parts
-- are dropped), and an idempotency key is looked up before anything else is checked.

CREATE OR REPLACE FUNCTION book_appointment(
    p_user_id uuid, p_start timestamptz, p_duration_min integer, p_key text,
    p_notes text DEFAULT NULL
) RETURNS appointments
LANGUAGE plpgsql AS $$
DECLARE
    prior appointments;
    made  appointments;
BEGIN
    p_start := date_trunc('second', p_start, 'UTC');  -- one instant, one slot
    SELECT * INTO prior FROM appointments WHERE idempotency_key = p_key;
    IF FOUND THEN
        IF prior.user_id = p_user_id AND prior.start_at = p_start THEN
            RETURN prior;  -- a retry: the first result
        END IF;
        RAISE EXCEPTION 'idempotency key reused for a different booking' USING ERRCODE = 'BK409';
    END IF;
    BEGIN
        INSERT INTO appointments (user_id, date, time, start_at, duration_min, notes, idempotency_key)
        VALUES (p_user_id, (p_start AT TIME ZONE 'UTC')::date, (p_start AT TIME ZONE 'UTC')::time,
                p_start, p_duration_min, p_notes, p_key)
        RETURNING * INTO made;
    EXCEPTION WHEN unique_violation THEN
        -- A concurrent request with the same key may have won (this statement sees it,
        -- since it committed before the index let us fail): a retry gets its row, a
        -- different request a key conflict; otherwise the slot itself was taken.
        SELECT * INTO prior FROM appointments WHERE idempotency_key = p_key;
        IF FOUND THEN
            IF prior.user_id = p_user_id AND prior.start_at = p_start THEN
                RETURN prior;
            END IF;
            RAISE EXCEPTION 'idempotency key reused for a different booking' USING ERRCODE = 'BK409';
        END IF;
        RAISE EXCEPTION 'slot already booked' USING ERRCODE = '23505';
    END;
    RETURN made;
END
$$;

CREATE OR REPLACE FUNCTION cancel_appointment(
    p_user_id uuid, p_appointment_id uuid, p_key text
) RETURNS appointments
LANGUAGE plpgsql AS $$
DECLARE
    done appointments;
    appt appointments;
BEGIN
    SELECT * INTO done FROM appointments WHERE cancel_key = p_key;
    IF FOUND THEN
        IF done.id = p_appointment_id AND done.user_id = p_user_id THEN
            RETURN done;  -- a retry: the first result
        END IF;
        RAISE EXCEPTION 'idempotency key reused for a different cancellation' USING ERRCODE = 'BK409';
    END IF;
    SELECT * INTO appt FROM appointments
        WHERE id = p_appointment_id AND user_id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appointment not found' USING ERRCODE = 'BK404';
    END IF;
    IF appt.cancel_key = p_key THEN
        RETURN appt;  -- a concurrent retry committed while we waited for the row lock
    END IF;
    IF appt.status <> 'booked' THEN
        RAISE EXCEPTION 'appointment is not booked' USING ERRCODE = 'BK410';
    END IF;
    BEGIN
        UPDATE appointments SET status = 'cancelled', cancel_key = p_key
            WHERE id = appt.id RETURNING * INTO appt;
    EXCEPTION WHEN unique_violation THEN
        -- Only cancel_key can collide here: a concurrent cancel of another row used the key.
        RAISE EXCEPTION 'idempotency key reused for a different cancellation' USING ERRCODE = 'BK409';
    END;
    RETURN appt;
END
$$;

CREATE OR REPLACE FUNCTION reschedule_appointment(
    p_user_id uuid, p_appointment_id uuid, p_new_start timestamptz, p_key text
) RETURNS appointments
LANGUAGE plpgsql AS $$
DECLARE
    prior appointments;
    old   appointments;
    made  appointments;
BEGIN
    p_new_start := date_trunc('second', p_new_start, 'UTC');  -- one instant, one slot
    SELECT * INTO prior FROM appointments WHERE idempotency_key = p_key;
    IF FOUND THEN
        IF prior.user_id = p_user_id AND prior.rescheduled_from = p_appointment_id
           AND prior.start_at = p_new_start THEN
            RETURN prior;  -- a retry: the first result
        END IF;
        RAISE EXCEPTION 'idempotency key reused for a different move' USING ERRCODE = 'BK409';
    END IF;
    SELECT * INTO old FROM appointments
        WHERE id = p_appointment_id AND user_id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appointment not found' USING ERRCODE = 'BK404';
    END IF;
    IF old.status <> 'booked' THEN
        -- A concurrent retry of this very move may have committed while we waited for
        -- the row lock: then this call is a retry too and gets the first result.
        SELECT * INTO prior FROM appointments WHERE idempotency_key = p_key;
        IF FOUND AND prior.user_id = p_user_id AND prior.rescheduled_from = p_appointment_id
           AND prior.start_at = p_new_start THEN
            RETURN prior;
        END IF;
        RAISE EXCEPTION 'appointment is not booked' USING ERRCODE = 'BK410';
    END IF;
    IF old.start_at = p_new_start THEN
        RETURN old;  -- moving into its own slot changes nothing
    END IF;
    -- Release and take in one transaction: if the new slot is taken the whole function
    -- fails and the old appointment stays booked.
    UPDATE appointments SET status = 'rescheduled' WHERE id = old.id;
    BEGIN
        INSERT INTO appointments (user_id, date, time, start_at, duration_min, notes,
                                  idempotency_key, rescheduled_from)
        VALUES (p_user_id, (p_new_start AT TIME ZONE 'UTC')::date,
                (p_new_start AT TIME ZONE 'UTC')::time, p_new_start, old.duration_min,
                old.notes, p_key, old.id)
        RETURNING * INTO made;
    EXCEPTION WHEN unique_violation THEN
        IF EXISTS (SELECT 1 FROM appointments WHERE idempotency_key = p_key) THEN
            -- A concurrent request (not this move: the row lock serialises those) took the key.
            RAISE EXCEPTION 'idempotency key reused for a different move' USING ERRCODE = 'BK409';
        END IF;
        RAISE EXCEPTION 'slot already booked' USING ERRCODE = '23505';
    END;
    RETURN made;
END
$$;
