-- Writes a run made for each person that served no reader, found by timing a 300,000-person run statement by
-- statement (pg_stat_statements): the update that records a message as sent was a third of PostgreSQL's time, the
-- insert that queues an invitation a sixth, the insert of its report row about a tenth.

-- 1. The foreign key from an invitation to its person. Each check locked the person's row (FOR KEY SHARE: a change
-- to the person's page and a WAL record, for every invitation queued), a fifth of the queueing insert's time. The
-- job writes invitations only for people it has just read from the same database, and the application never
-- deletes a person. Report rows dropped theirs for the same reason (V9).
ALTER TABLE invitation DROP CONSTRAINT invitation_person_id_fkey;

-- 2. A claim's token hashes are random bytes: PostgreSQL tried to compress each claim's array of them (32 KB for a
-- chunk of 1,000) before storing it aside, and never could.
ALTER TABLE delivery_claim ALTER COLUMN token_hashes SET STORAGE EXTERNAL;

-- 3. A report row had two keys: a generated id, and its run and place in the run's input (unique since V2), which
-- every reader already goes by. The id was read only to find a row again in the statement that had just found it;
-- it cost every row a value from a sequence and an entry in one more index. The run and place are the key now.
ALTER TABLE job_report_item DROP CONSTRAINT job_report_item_pkey;
ALTER TABLE job_report_item DROP COLUMN id;
ALTER TABLE job_report_item DROP CONSTRAINT job_report_item_job_instance_id_item_number_key;
ALTER TABLE job_report_item ADD CONSTRAINT job_report_item_pkey PRIMARY KEY (job_instance_id, item_number);

-- 4. A run's rows searched by address: the rows without a normalised address (rejected) are found by the address as
-- written, among the rows to look at. Through the index of those rows (V26) the search read every row to look at of
-- the run, 100,000 failed ones in a run of 1,000,000 (340 to 590 ms); this index holds only the rows the search tests.
CREATE INDEX job_report_item_unnormalized ON job_report_item (job_instance_id, lower(email) text_pattern_ops)
    WHERE email_normalized IS NULL AND problem IS NOT NULL;
