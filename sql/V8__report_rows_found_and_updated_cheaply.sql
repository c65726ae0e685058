-- Delivery finds a chunk's report rows by invitation and run. With one index per column, PostgreSQL's cached
-- plan for that statement (made while the table was small) combined both indexes, and the run's index returns
-- every row of the run: each chunk cost more than the one before, 7 s per 1,000 rows at 100,000. One index on
-- both columns answers each row with one lookup, whatever the table's size or statistics.
DROP INDEX job_report_item_by_invitation;
CREATE INDEX job_report_item_by_invitation ON job_report_item (invitation_id, job_instance_id)
    WHERE invitation_id IS NOT NULL;

-- Each report row of a delivered invitation is updated once, and no indexed column changes. With room left on
-- its page, PostgreSQL keeps the new version there without touching any index (a HOT update); full pages,
-- the default, force a new version on another page and an entry in every index.
ALTER TABLE job_report_item SET (fillfactor = 70);
