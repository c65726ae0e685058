-- A report row records what happened to one input row; it names the person and invitation it led to, but no
-- longer as foreign keys. Each check locked the invitation just inserted (a write and a WAL record per row) in
-- the select step, the busiest path of a bulk run; and a report is a record of the past that should not stop
-- a person's data from being removed. The ids are written by the job from the rows it just created.
ALTER TABLE job_report_item
    DROP CONSTRAINT job_report_item_person_id_fkey,
    DROP CONSTRAINT job_report_item_invitation_id_fkey;
