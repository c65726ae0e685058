-- Storage per invitation, measured at 200,000 people: about 2.7 KB across the tables. Three parts of it repeated
-- what another part already holds.

-- 1. A person's address had two indexes on the same column: the unique constraint (equality) and a
-- text_pattern_ops copy for the People page's prefix search (V20). One unique index with that operator class
-- serves both, as job_report_item_one_per_email does since V23 (ON CONFLICT infers it whatever its operator
-- class). About 100 bytes per person.
ALTER TABLE person DROP CONSTRAINT person_email_normalized_key;
DROP INDEX person_email_prefix;
CREATE UNIQUE INDEX person_email_normalized_key ON person (email_normalized text_pattern_ops);

-- 2. Links are looked up by equality only, by a hash of 256 random bits: a hash index finds them with an entry of
-- about a quarter of the B-tree's (which carried the 32-byte key itself), and NULLs (closed, purged) are never in
-- a hash index. Uniqueness was never the index's job: two tokens of 256 bits from SecureRandom do not collide,
-- and a link that matched two invitations would be refused as unknown by the lookup (it expects one row).
DROP INDEX invitation_token_hash;
CREATE INDEX invitation_token_hash ON invitation USING hash (token_hash);

-- 3. The QUEUED entry of every invitation's history repeated the invitation row (when, which run, which role):
-- one row and two index entries per person, written by every run. History now reads it from the invitation
-- itself, through the view below, so every reader sees the same entries as before.
DELETE FROM invitation_event WHERE type = 'QUEUED';

-- Entries are only ever read by invitation; the primary key can be that index.
ALTER TABLE invitation_event DROP CONSTRAINT invitation_event_pkey;
DROP INDEX invitation_event_by_invitation;
ALTER TABLE invitation_event ADD PRIMARY KEY (invitation_id, id);

CREATE VIEW invitation_history AS
SELECT i.id AS invitation_id, 0::bigint AS id, i.created_at AS at, 'QUEUED'::text AS type,
       'job:' || i.spec_name || '#' || i.job_execution_id AS actor, 'role ' || r.name AS detail
FROM invitation i LEFT JOIN role r ON r.id = i.role_id
UNION ALL
SELECT invitation_id, id, at, type, actor, detail FROM invitation_event;
