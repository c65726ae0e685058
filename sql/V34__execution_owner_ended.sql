-- An execution whose process ended it without knowing whether its last commit went through (the database went away
-- just then: Spring Batch marks it UNKNOWN) keeps its owner row, marked ended, so that the run that recovers it can
-- say which process ended it and when, instead of finding no owner at all.
ALTER TABLE execution_owner ADD COLUMN ended_at timestamptz;
