-- Two writes a run made for each person that served no reader, found by timing a 300,000-person run statement by
-- statement (pg_stat_statements): the update that records a message as sent was a third of PostgreSQL's time, and
-- the insert that queues an invitation a sixth.

-- 1. The foreign key from an invitation to its person. Each check locked the person's row (FOR KEY SHARE: a change
-- to the person's page and a WAL record, for every invitation queued), a fifth of the queueing insert's time. The
-- job writes invitations only for people it has just read from the same database, and the application never
-- deletes a person. Report rows dropped theirs for the same reason (V9).
ALTER TABLE invitation DROP CONSTRAINT invitation_person_id_fkey;

-- 2. A run's open invitations had an index of their own beside the run's index of invitations past delivery, so a
-- sent message added an entry to both. The run's index now carries status and expiry, as the open one did (V44): a
-- run's open ones are counted from it alone, one entry per invitation of the run past delivery, and the sent update
-- writes one index entry fewer.
DROP INDEX invitation_open_by_instance;
DROP INDEX invitation_settled_by_instance;
CREATE INDEX invitation_settled_by_instance ON invitation (job_instance_id, id) INCLUDE (status, expires_at)
    WHERE status NOT IN ('QUEUED', 'SENDING');

-- 3. A claim's token hashes are random bytes: PostgreSQL tried to compress each claim's array of them (32 KB for a
-- chunk of 1,000) before storing it aside, and never could.
ALTER TABLE delivery_claim ALTER COLUMN token_hashes SET STORAGE EXTERNAL;

-- 4. A report row had two keys: a generated id, and its run and place in the run's input (unique since V2), which
-- every reader already goes by. The id was read only to find a row again in the statement that had just found it;
-- it cost every row a value from a sequence and an entry in one more index. The run and place are the key now.
ALTER TABLE job_report_item DROP CONSTRAINT job_report_item_pkey;
ALTER TABLE job_report_item DROP COLUMN id;
ALTER TABLE job_report_item DROP CONSTRAINT job_report_item_job_instance_id_item_number_key;
ALTER TABLE job_report_item ADD CONSTRAINT job_report_item_pkey PRIMARY KEY (job_instance_id, item_number);
