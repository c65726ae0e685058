-- The People page's "Not invited yet" asked of every person, newest first, whether any invitation of theirs
-- exists: when few or none match, that is every person (13.6 s at 11,000,000 invitations, all people invited).
-- Here are the people no invitation was ever queued for, kept by the database itself: a person's row is added
-- when the person is, and removed when their first invitation is queued, by whichever statement does either
-- (an import, the console, a test's own SQL). The triggers run once per statement with its rows (a chunk), not
-- once per row; neither people nor invitations are ever deleted, so nothing else can change the answer.
-- A person waiting for a first invitation costs a row here until it is queued; an invited one costs nothing.
CREATE TABLE person_not_invited (
    person_id bigint PRIMARY KEY
);

INSERT INTO person_not_invited (person_id)
SELECT p.id FROM person p
WHERE NOT EXISTS (SELECT 1 FROM invitation i WHERE i.person_id = p.id);

CREATE FUNCTION person_not_invited_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO person_not_invited (person_id) SELECT n.id FROM new_people n;
    RETURN NULL;
END
$$;

CREATE TRIGGER person_not_invited_add AFTER INSERT ON person
    REFERENCING NEW TABLE AS new_people FOR EACH STATEMENT EXECUTE FUNCTION person_not_invited_add();

CREATE FUNCTION person_not_invited_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM person_not_invited u USING new_invitations n WHERE u.person_id = n.person_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER person_not_invited_remove AFTER INSERT ON invitation
    REFERENCING NEW TABLE AS new_invitations FOR EACH STATEMENT EXECUTE FUNCTION person_not_invited_remove();
