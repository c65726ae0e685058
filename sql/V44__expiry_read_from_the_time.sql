-- An invitation is expired from the moment its link's time passes: every reader takes a SENT invitation whose
-- expires_at is past as EXPIRED (status = 'SENT' AND expires_at <= now()). The expiry job no longer rewrites those
-- rows: a new version of an invitation writes an entry in each of its indexes (six for an expired one), which held
-- the job to about 20,000 invitations a second and left the console showing a link as pending between its expiry and
-- the job's next run. The job records what happened instead: each expired invitation's history entry (at the time
-- it expired), its event for the host application and the counts of its report, once, in order of expiry. This row
-- says how far it has gone, as (expires_at, id) of the last invitation recorded. The row itself is stored as EXPIRED
-- when something else has to change it: a new invitation replacing it, or its token hash forgotten.
CREATE TABLE expiry_mark (
    only_row        boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    expired_through timestamptz NOT NULL,
    last_id         bigint      NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);

-- The job reads the invitations due in the order of this index, from the mark on: with the id in the key, the mark
-- is a range of the index and each batch is read from the index alone, not from the invitations' rows (one table page
-- per invitation due, scattered over years of invitations).
DROP INDEX invitation_sent_by_expiry;
CREATE INDEX invitation_sent_by_expiry ON invitation (expires_at, id) INCLUDE (spec_name) WHERE status = 'SENT';

-- A list of pending (or of expired) invitations reads a spec's sent ones newest first, passing over those on the
-- other side of their expiry. This index says, one probe per spec, whether a spec has any sent invitation on the side
-- the list wants: a spec whose sent invitations all expired long ago adds nothing to a list of pending ones, and a
-- spec sent yesterday nothing to a list of expired ones.
CREATE INDEX invitation_sent_by_spec_expiry ON invitation (spec_name, expires_at) WHERE status = 'SENT';

-- The open invitations of a run, and the open invitation of each person, are told apart from the expired ones by
-- their status and expiry: read from the index itself, not from each invitation's row (a run of 1,000,000 sent
-- invitations would otherwise read 1,000,000 rows to count the open ones, and the people with an expired invitation
-- every person's pending one).
DROP INDEX invitation_open_by_instance;
CREATE INDEX invitation_open_by_instance ON invitation (job_instance_id) INCLUDE (status, expires_at)
    WHERE status IN ('SENT', 'DEFERRED');
DROP INDEX invitation_one_open_per_person_kind;
CREATE UNIQUE INDEX invitation_one_open_per_person_kind ON invitation (person_id, kind) INCLUDE (status, expires_at)
    WHERE status IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED');
