-- Delivery updates each report row once (QUEUED to SENT, FAILED or DEFERRED). With no indexed column changing,
-- PostgreSQL can do it in place (a HOT update) when the page has room. Rejected rows have no normalised address,
-- so the outcome need not be part of the duplicate index's predicate.
DROP INDEX job_report_item_one_per_email;
CREATE UNIQUE INDEX job_report_item_one_per_email ON job_report_item (job_instance_id, email_normalized)
    WHERE email_normalized IS NOT NULL;
ALTER TABLE job_report_item SET (fillfactor = 70);
