-- A message the server refused for now (4xx about its recipient) no longer holds its connection while it waits:
-- the invitation goes back to QUEUED with the time before which it is not tried again, and a later pass of the
-- same run sends it. The count of such refusals in a row caps the retries, across restarts too; it is reset when
-- the invitation's outcome is recorded. Both columns are added without rewriting the table (PostgreSQL 11+).
ALTER TABLE invitation ADD COLUMN retry_at timestamptz;
ALTER TABLE invitation ADD COLUMN temporary_refusals integer NOT NULL DEFAULT 0 CHECK (temporary_refusals >= 0);
