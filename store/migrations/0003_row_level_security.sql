-- Row-level security for a Supabase project. The agent connects as the table owner
-- (DATABASE_URL) or with the service-role key (Supabase API), both of which bypass RLS;
-- every other client sees nothing unless a policy below lets it.

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointments ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversation_turns ENABLE ROW LEVEL SECURITY;

-- The write functions are for the agent only, not for anonymous API clients.
REVOKE EXECUTE ON FUNCTION book_appointment(uuid, timestamptz, integer, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION cancel_appointment(uuid, uuid, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reschedule_appointment(uuid, uuid, timestamptz, text) FROM PUBLIC;

-- On Supabase (where the auth schema and the authenticated role exist), a signed-in
-- caller whose verified phone matches may read their own user row and appointments.
DO $$
DECLARE
    api_role text;
BEGIN
    -- Supabase's default privileges grant EXECUTE on new functions to these roles by
    -- name, which the REVOKE FROM PUBLIC above does not take away.
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = api_role) THEN
            EXECUTE format('REVOKE EXECUTE ON FUNCTION book_appointment(uuid, timestamptz,'
                           ' integer, text, text) FROM %I', api_role);
            EXECUTE format('REVOKE EXECUTE ON FUNCTION cancel_appointment(uuid, uuid, text)'
                           ' FROM %I', api_role);
            EXECUTE format('REVOKE EXECUTE ON FUNCTION reschedule_appointment(uuid, uuid,'
                           ' timestamptz, text) FROM %I', api_role);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        GRANT EXECUTE ON FUNCTION book_appointment(uuid, timestamptz, integer, text, text) TO service_role;
        GRANT EXECUTE ON FUNCTION cancel_appointment(uuid, uuid, text) TO service_role;
        GRANT EXECUTE ON FUNCTION reschedule_appointment(uuid, uuid, timestamptz, text) TO service_role;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated')
       AND EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
        DROP POLICY IF EXISTS users_read_own ON users;
        CREATE POLICY users_read_own ON users FOR SELECT TO authenticated
            USING (contact_number = '+' || ltrim(auth.jwt() ->> 'phone', '+'));
        DROP POLICY IF EXISTS appointments_read_own ON appointments;
        CREATE POLICY appointments_read_own ON appointments FOR SELECT TO authenticated
            USING (user_id IN (SELECT id FROM users
                               WHERE contact_number = '+' || ltrim(auth.jwt() ->> 'phone', '+')));
    END IF;
END
$$;
