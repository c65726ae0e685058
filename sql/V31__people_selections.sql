-- People chosen in the console (ticked, or every one a filter matched) become a run's source: the selection is
-- stored once, with who made it and how, and read by the run like a group's members. A dry run and the confirmed
-- send read the same rows, so the send goes to exactly the people the dry run counted.
CREATE TABLE person_selection (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- How the people were chosen, in the admin's words: "3 people ticked", "all matching: name 'smi', group …".
    description  text        NOT NULL,
    people       bigint      NOT NULL CHECK (people >= 0),
    -- SHA-256 of the members' ids in order, as a group source's digest: what a restart compares.
    digest       text        NOT NULL
);

CREATE TABLE person_selection_member (
    selection_id  bigint NOT NULL REFERENCES person_selection (id) ON DELETE CASCADE,
    person_id     bigint NOT NULL,
    PRIMARY KEY (selection_id, person_id)
);

ALTER TABLE invitation DROP CONSTRAINT invitation_source_kind_check;
ALTER TABLE invitation ADD CONSTRAINT invitation_source_kind_check CHECK (source_kind IN ('CSV', 'GROUP', 'SELECTION'));

-- The People page searches by the start of a first name, a last name or an address (any case); the address has
-- its index (person_email_prefix).
CREATE INDEX person_first_name_prefix ON person (lower(first_name) text_pattern_ops);
CREATE INDEX person_last_name_prefix ON person (lower(last_name) text_pattern_ops);
-- "Never logged in" is most of a new import and a few of an established one: the few are read through this index.
CREATE INDEX person_never_logged_in ON person (id) WHERE last_login_at IS NULL;
-- The People page's filter by role reads the role's holders, newest first.
CREATE INDEX role_assignment_by_role ON role_assignment (role_id, person_id);
-- The same columns as group_member's primary key: every membership a run adds paid for both.
DROP INDEX group_member_group_person;

-- Numbers the sends made in the console (people-N, import-N): each is a spec of its own, named once.
CREATE SEQUENCE console_send;
