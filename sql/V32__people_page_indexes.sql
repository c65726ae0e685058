-- The People page's filters by where invitations stand, measured with PeopleBenchmark at 1,000,000 people on a quiet
-- machine (a busy one takes two or three times as long).

-- Not delivered (1 % of people) and cancelled (0.5 %). The page counts its matches up to 10,001, and the only index
-- of closed invitations was by person: to count these PostgreSQL read the whole invitation table, then each match's
-- closed invitations from the table to see whether a later one was accepted. The page took 0.33 to 0.41 s for the
-- not delivered, 0.18 to 0.21 s for the cancelled, 0.26 to 0.28 s for the not delivered of a group of 50,000. With
-- the few of these two statuses indexed by status, then person, it takes 0.10, 0.08 and 0.05 s.
-- What it costs: an entry per invitation refused for good or cancelled. Of a bulk run's writes only the refused
-- messages (a percent or so) enter it: its queued and sent invitations never do. Indexing every closed status so
-- (accepted and expired too) made those two filters no faster, for an entry at every link used and every expiry.
CREATE INDEX invitation_failed_or_cancelled ON invitation (status, person_id) WHERE status IN ('FAILED', 'CANCELLED');

-- The closed invitations by person (V28) hold their status in the key as well: "has this person a closed invitation
-- of this status?" (an accepted one, for every standing but pending; an expired one) is answered from the index
-- alone instead of a table row per invitation. The expired filter went from 0.06 to 0.04 s, the coordinators whose
-- invitation expired from 0.20 s to 0.11-0.16 s. The same rows as before, so no write more; its readers find a
-- person's closed invitations through it as before.
DROP INDEX invitation_closed_by_person;
CREATE INDEX invitation_closed_by_person ON invitation (person_id, status)
    WHERE status NOT IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED');
