-- Identity checks of spoken phone numbers (nodes/verify.py): a caller without caller ID
-- proves the account is theirs before it is opened, and failed checks count across calls,
-- so guessing an account's answers over many calls runs into a lock.

CREATE TABLE IF NOT EXISTS identity_checks (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now(),
    passed  boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS identity_checks_by_user ON identity_checks (user_id, at);

-- Only the agent (the table owner, or Supabase's service role) reads or writes it.
ALTER TABLE identity_checks ENABLE ROW LEVEL SECURITY;
