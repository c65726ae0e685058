-- Pages read invitations, report rows and history from their indexes alone (an index-only scan), which holds only
-- for table pages the last VACUUM marked all-visible. By default autovacuum comes once a fifth of a table has
-- changed: 2,200,000 rows at 11,000,000 invitations, more than a 1,000,000-person run and its expiry change, so
-- after them the pending list read 100,000 rows from the table to count its parts (1.6 s; 30 ms after a VACUUM).
-- Here it comes after a fiftieth, and for rows only added (history, report rows) too; each visit skips the pages
-- already all-visible, so it costs about what changed since the last one.
ALTER TABLE invitation SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE job_report_item SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE invitation_event SET (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE person SET (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE role_assignment SET (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
