-- Delivery made real (issue 16): callers' e-mail addresses, staff told of each callback
-- through the outbox, and the visit a caller's reminder was about.
--
-- - users.email: where e-mail notices go; NULL, the usual case, sends SMS only. The store
--   checks the address's shape before writing it; the check here is the loosest one.
-- - notices of kind `callback`: one per callback, written by a trigger when the callback is
--   first requested (not when a second request of the same call updates it), in the same
--   transaction, and delivered by the worker to the business's own channels. Such a notice
--   is about a callback (callback_id), not an appointment (appointment_id NULL).
-- - reminded_appointment(): the appointment of the latest reminder delivered on a channel
--   to a caller, which a "C" reply to that SMS cancels.
-- Every statement is idempotent, as the other files', a second line of defence.

ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_check;
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$');

ALTER TABLE notices ALTER COLUMN appointment_id DROP NOT NULL;
ALTER TABLE notices ADD COLUMN IF NOT EXISTS callback_id uuid UNIQUE  -- one notice per callback
    REFERENCES callbacks (id) ON DELETE CASCADE;
ALTER TABLE notices DROP CONSTRAINT IF EXISTS notices_kind_check;
ALTER TABLE notices ADD CONSTRAINT notices_kind_check
    CHECK (kind IN ('booked', 'moved', 'cancelled', 'reminder', 'callback'));
-- A notice is about exactly one thing: a callback, or an appointment.
ALTER TABLE notices DROP CONSTRAINT IF EXISTS notices_about_one;
ALTER TABLE notices ADD CONSTRAINT notices_about_one
    CHECK ((kind = 'callback') = (callback_id IS NOT NULL)
           AND (kind = 'callback') = (appointment_id IS NULL));

-- An AFTER INSERT row trigger fires for a row INSERT ... ON CONFLICT DO UPDATE really
-- inserted, not for one it updated: a call's second request owes staff nothing more.
CREATE OR REPLACE FUNCTION callback_notice() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notices (callback_id, kind, due_at) VALUES (NEW.id, 'callback', now());
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS callbacks_notice ON callbacks;
CREATE TRIGGER callbacks_notice AFTER INSERT ON callbacks
    FOR EACH ROW EXECUTE FUNCTION callback_notice();

-- The appointment of the latest reminder delivered on p_channel to p_user_id, or NULL.
CREATE OR REPLACE FUNCTION reminded_appointment(p_user_id uuid, p_channel text)
RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT n.appointment_id
      FROM deliveries d
      JOIN notices n ON n.id = d.notice_id
      JOIN appointments a ON a.id = n.appointment_id
     WHERE a.user_id = p_user_id AND n.kind = 'reminder' AND d.channel = p_channel AND d.ok
     ORDER BY d.at DESC, d.id DESC
     LIMIT 1
$$;

DO $$
DECLARE
    agent_only text := concat_ws(', ',
        'callback_notice()',
        'reminded_appointment(uuid, text)');
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
