-- The report rows' one writer adds what each statement changed to job_report_total in that statement. The insert
-- and update triggers of V26 copied every row a chunk wrote into their transition tables, twice per person on the
-- bulk path. Deleting and truncating report rows, which no run does, keep their triggers.
DROP TRIGGER job_report_item_totals_on_insert ON job_report_item;
DROP TRIGGER job_report_item_totals_on_update ON job_report_item;
DROP FUNCTION job_report_total_added();
DROP FUNCTION job_report_total_changed();
