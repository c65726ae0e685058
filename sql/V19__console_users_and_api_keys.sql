-- Who may use the admin console and the HTTP API. Passwords and API keys are stored as hashes only:
-- passwords by Spring Security's delegating encoder ({bcrypt}…), API keys by SHA-256 (they are 256-bit random).

CREATE TABLE console_user (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text        NOT NULL,
    password_hash  text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('VIEWER', 'OPERATOR', 'ADMIN')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Sign-in is case-insensitive on the name: "Alice" and "alice" are one user.
CREATE UNIQUE INDEX console_user_name ON console_user (lower(name));

CREATE TABLE api_key (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text        NOT NULL,
    key_hash      bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    role          text        NOT NULL CHECK (role IN ('VIEWER', 'OPERATOR', 'ADMIN')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE UNIQUE INDEX api_key_name ON api_key (lower(name));
