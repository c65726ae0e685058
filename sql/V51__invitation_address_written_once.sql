-- An invitation keeps the address it is for, as written and normalised: delivery sends to the one and the
-- suppression list and the person's current address are compared with the other. Most addresses are written as
-- they are normalised, lower case: for those the address as written is left out (about 28 bytes per invitation) and
-- read as coalesce(email, email_normalized). One written differently (capitals, say) keeps it; rows written before
-- this version keep theirs.
ALTER TABLE invitation ALTER COLUMN email DROP NOT NULL;
