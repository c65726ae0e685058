-- Delivery finds a chunk's report rows by invitation and run. With one index per column, PostgreSQL's cached
-- plan for that statement (made while the table was small) combined both indexes, and the run's index returns
-- every row of the run: each chunk cost more than the one before, 7 s per 1,000 rows at 100,000. One index on
-- both columns answers each row with one lookup, whatever the table's size or statistics.
DROP INDEX job_report_item_by_invitation;
CREATE INDEX job_report_item_by_invitation ON job_report_item (invitation_id, job_instance_id)
    WHERE invitation_id IS NOT NULL;


-- Each report row of a delivered invitation is updated once, with no indexed column changing, so PostgreSQL can
-- keep the new version on the same page without touching any index (a HOT update), but only if the page has
-- room for it. All rows of a page are updated by the same chunk, so the page needs room for as many new versions
-- as it holds rows: at 70% (V6) only 43% of the updates were HOT.
ALTER TABLE job_report_item SET (fillfactor = 45);
