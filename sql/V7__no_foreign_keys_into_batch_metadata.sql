-- Our tables keep the ids of Spring Batch's job instances and executions, but no longer as foreign keys:
-- * every inserted row checked them, locking the same job instance and execution rows again and again while the
--   select and deliver steps write side by side: without them the select step of a 100,000-person benchmark
--   took 26 s instead of 37 s;
-- * operators prune Spring Batch's metadata with its own tools; foreign keys from invitations and reports would
--   make that fail, although the invitations and reports must outlive it.
-- The ids are still written by the job itself, from the execution it runs in.
ALTER TABLE invitation
    DROP CONSTRAINT invitation_job_instance_id_fkey,
    DROP CONSTRAINT invitation_job_execution_id_fkey,
    DROP CONSTRAINT invitation_delivery_instance_id_fkey;
ALTER TABLE job_report_item
    DROP CONSTRAINT job_report_item_job_instance_id_fkey,
    DROP CONSTRAINT job_report_item_job_execution_id_fkey;
ALTER TABLE role_assignment
    DROP CONSTRAINT role_assignment_job_execution_id_fkey;
