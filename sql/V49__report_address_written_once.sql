-- A report row kept the address twice: as written in the input and normalised (for the run's duplicate check and
-- the address search). Most addresses are written as they are normalised, lower case: for those the address as
-- written is left out (about 28 bytes per row) and job_report_row reads it from the normalised one. A row whose
-- address differs (capitals, a rejected address that has no normalised form) keeps it; rows written before this
-- version keep theirs.
CREATE OR REPLACE VIEW job_report_row AS
SELECT r.job_instance_id, r.job_execution_id, r.item_number, r.source_line,
       coalesce(r.email, r.email_normalized) AS email, r.email_normalized, r.person_id,
       r.invitation_id, r.kind, coalesce(s.outcome, r.outcome) AS outcome, r.reason,
       CASE WHEN s.outcome IS NULL THEN r.detail ELSE s.detail END AS detail,
       coalesce(s.at, r.updated_at) AS updated_at, r.problem,
       -- as stored: what the index of rejected rows' addresses (job_report_item_unnormalized) holds
       r.email AS email_as_written
FROM job_report_item r
LEFT JOIN LATERAL (
    SELECT 'SENT'::text AS outcome, i.last_smtp_reply AS detail, i.sent_at AS at
    FROM invitation i
    WHERE r.outcome = 'QUEUED' AND r.reason IS NULL AND i.id = r.invitation_id AND i.sent_at IS NOT NULL
      AND i.resent_at IS NULL AND i.job_execution_id = r.job_execution_id
    OFFSET 0) s ON true;
