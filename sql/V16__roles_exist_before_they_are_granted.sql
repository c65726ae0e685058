-- Roles are created before a spec may grant them (the roles command), so that a misspelled role in a spec is an
-- error instead of a new role. Each role says what it is for. The roles the shipped sample specs grant exist from
-- the start, so that the quick start stays one command on a new database.
ALTER TABLE role ADD COLUMN description text NOT NULL DEFAULT '';
ALTER TABLE role ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

INSERT INTO role (name, description) VALUES
    ('volunteer', 'Helps at parish events; can see the volunteer rota'),
    ('coordinator', 'Leads a group of volunteers; can edit its rota')
ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description WHERE role.description = '';
