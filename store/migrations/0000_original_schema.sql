-- Adopt a database made with the original agent's SQL (the supabase_schema.sql its README
-- had you run): give its tables what 0001-0005 build on, keeping every row and what each
-- column means to the dashboards that read them. users.contact_number, appointments.date,
-- .time (the business's local date and time), .slot and .status stay as they are; the
-- columns added are filled from them:
--   appointments.start_at      date + time, read in the business's timezone
--   appointments.duration_min  the span the slot text spells ("14:00-15:00": 60), else
--                              30, the original's one slot length
--   conversations.thread_id    the row's id as text (its call has no graph thread)
--   conversations.started_at   created_at, and ended_at too: the original wrote a call's
--                              row once, when the call was over
-- A fresh database (no tables yet) and one of ours (appointments.start_at exists) are left
-- alone. Reading the original's local times needs the business's IANA timezone in the
-- setting booking.timezone, which `booking db migrate` sets for its transaction.

CREATE OR REPLACE FUNCTION pg_temp.slot_minutes(slot text, starts time) RETURNS integer
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    -- the end time after a dash or "to": "09:00-09:30", "2 PM to 3 PM", "11:30pm - 12am"
    ends text[] := regexp_match(
        lower(slot), '(?:-|–|—|\mto\M)\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(?:([ap])\.?\s*m\.?)?\s*$');
    end_hour integer;
    span integer;
BEGIN
    IF ends IS NULL THEN
        RETURN 30;
    END IF;
    end_hour := ends[1]::integer;
    IF ends[3] = 'p' THEN
        end_hour := end_hour % 12 + 12;
    ELSIF ends[3] = 'a' THEN
        end_hour := end_hour % 12;
    END IF;
    span := end_hour * 60 + coalesce(ends[2], '0')::integer
            - (extract(hour FROM starts) * 60 + extract(minute FROM starts))::integer;
    -- "1:00-2:00" at 13:00 is an afternoon hour on a 12-hour clock; an end at or before the
    -- start with am/pm said ("11:30 pm - 12 am") is the next day's
    WHILE span <= 0 LOOP
        span := span + CASE WHEN ends[3] IS NULL THEN 720 ELSE 1440 END;
    END LOOP;
    RETURN CASE WHEN span BETWEEN 1 AND 720 THEN span ELSE 30 END;
END
$$;

DO $$
DECLARE
    zone text := nullif(current_setting('booking.timezone', true), '');
BEGIN
    IF to_regclass('appointments') IS NULL OR EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = to_regclass('appointments') AND attname = 'start_at' AND NOT attisdropped
    ) THEN
        RETURN;  -- a fresh database, or one of ours: nothing to adopt
    END IF;
    IF zone IS NULL AND EXISTS (SELECT 1 FROM appointments) THEN
        RAISE EXCEPTION 'booking.timezone is not set: the original appointments'' dates and'
                        ' times are local to the business, in a zone only it can say'
            USING HINT = 'run `booking db migrate`, which sets it from BUSINESS_TIMEZONE';
    END IF;

    ALTER TABLE users ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    UPDATE users SET created_at = now() WHERE created_at IS NULL;
    ALTER TABLE users ALTER COLUMN created_at SET NOT NULL;

    ALTER TABLE appointments
        ADD COLUMN start_at timestamptz,
        ADD COLUMN duration_min integer CHECK (duration_min > 0),
        ADD COLUMN notes text,
        ADD COLUMN idempotency_key text UNIQUE,
        ADD COLUMN cancel_key text UNIQUE,
        ADD COLUMN rescheduled_from uuid REFERENCES appointments (id);
    UPDATE appointments
       SET start_at = (date + time) AT TIME ZONE zone,
           duration_min = pg_temp.slot_minutes(slot, time),
           status = coalesce(status, 'booked'),  -- the column's own default
           created_at = coalesce(created_at, now()),
           updated_at = coalesce(updated_at, created_at, now());
    ALTER TABLE appointments
        ALTER COLUMN start_at SET NOT NULL,
        ALTER COLUMN duration_min SET NOT NULL,
        ALTER COLUMN status SET NOT NULL,
        ALTER COLUMN created_at SET NOT NULL,
        ALTER COLUMN updated_at SET NOT NULL;
    -- An appointment of nobody is kept as it is; only a table without one says so.
    IF NOT EXISTS (SELECT 1 FROM appointments WHERE user_id IS NULL) THEN
        ALTER TABLE appointments ALTER COLUMN user_id SET NOT NULL;
    END IF;

    ALTER TABLE conversations
        ADD COLUMN thread_id text UNIQUE,
        ADD COLUMN started_at timestamptz,
        ADD COLUMN ended_at timestamptz,
        ADD COLUMN outcome text,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    UPDATE conversations
       SET created_at = coalesce(created_at, now()),
           thread_id = id::text,
           started_at = coalesce(created_at, now()),
           ended_at = coalesce(created_at, now()),
           appointments_discussed = coalesce(appointments_discussed, '[]'),
           preferences_mentioned = coalesce(preferences_mentioned, '[]'),
           transcript = coalesce(transcript, '[]'),
           cost_breakdown = coalesce(cost_breakdown, '{}');
    ALTER TABLE conversations
        ALTER COLUMN thread_id SET NOT NULL,
        ALTER COLUMN started_at SET NOT NULL,
        ALTER COLUMN created_at SET NOT NULL,
        ALTER COLUMN appointments_discussed SET NOT NULL,
        ALTER COLUMN preferences_mentioned SET NOT NULL,
        ALTER COLUMN transcript SET NOT NULL,
        ALTER COLUMN cost_breakdown SET NOT NULL,
        ALTER COLUMN cost_breakdown SET DEFAULT '{}';
END
$$;
