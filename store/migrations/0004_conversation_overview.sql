-- The analysts' call list: one row per conversation with the caller's number, the
-- number of caller utterances and the newest line's time, newest call first.

CREATE INDEX IF NOT EXISTS conversations_by_start ON conversations (started_at);

-- security_invoker: the view reads with the caller's rights, so row-level security on
-- the tables below applies to it as well (a plain view would read as its owner).
CREATE OR REPLACE VIEW conversation_overview WITH (security_invoker = true) AS
SELECT c.thread_id, c.started_at, c.ended_at, c.outcome, u.contact_number,
       (SELECT count(*) FROM conversation_turns t
         WHERE t.thread_id = c.thread_id AND t.role = 'caller')::integer AS caller_turns,
       (SELECT max(t.at) FROM conversation_turns t WHERE t.thread_id = c.thread_id) AS last_at
FROM conversations c LEFT JOIN users u ON u.id = c.user_id;

REVOKE ALL ON conversation_overview FROM PUBLIC;
DO $$
DECLARE
    api_role text;
BEGIN
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = api_role) THEN
            EXECUTE format('REVOKE ALL ON conversation_overview FROM %I', api_role);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        GRANT SELECT ON conversation_overview TO service_role;
    END IF;
END
$$;
