-- An invitation is for the address it was queued for: delivery sends to this address or, when the person's
-- address has changed since, not at all. Until now delivery read the person's current address, so a later row
-- or import that changed it sent the link to an address the invitation was never meant for.
ALTER TABLE invitation ADD COLUMN email text, ADD COLUMN email_normalized text;
UPDATE invitation i SET email = p.email, email_normalized = p.email_normalized FROM person p WHERE p.id = i.person_id;
ALTER TABLE invitation ALTER COLUMN email SET NOT NULL, ALTER COLUMN email_normalized SET NOT NULL;
