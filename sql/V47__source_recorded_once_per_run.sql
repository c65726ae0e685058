-- Where a run's people came from (its import file and that file's SHA-256, or its group and member selection) was
-- written into every invitation the run queued: about 80 bytes per invitation of a CSV run ("members.csv sha256:"
-- and 64 hex digits), 20 to 30 of a group's, all alike within a run. No reader went by it per invitation. It is
-- recorded once per run now, beside the run's invitations by their job_instance_id.
CREATE TABLE invitation_source (
    job_instance_id bigint PRIMARY KEY,
    kind            text   NOT NULL CHECK (kind IN ('CSV', 'GROUP', 'SELECTION')),
    ref             text   NOT NULL
);
COMMENT ON TABLE invitation_source IS 'where the people a run queued came from: file and checksum, or group and selection';

-- A run's source is part of what identifies it (the import file's checksum, the group and selection), so each run
-- had one.
INSERT INTO invitation_source (job_instance_id, kind, ref)
SELECT DISTINCT ON (job_instance_id) job_instance_id, source_kind, source_ref FROM invitation
ORDER BY job_instance_id, id;

-- Dropping a column rewrites nothing: rows written before keep the bytes until they are rewritten (VACUUM FULL, or
-- an update of the row), later rows never have them.
ALTER TABLE invitation DROP COLUMN source_kind, DROP COLUMN source_ref;
