-- How far the expiry job's purge-history-after has deleted history: the entries (invitation_event) of every invitation
-- closed before closed_before are gone, while the invitation keeps its status and times and the history view (V35,
-- V36) its QUEUED entry, read from the invitation itself. One row, not a mark on each invitation: marking them would
-- write a new version of every invitation purged, the largest table, to say what this row says once. Readers of a
-- history add a line saying the older entries were purged to each invitation closed before it.
CREATE TABLE invitation_history_purge (
    only_row      boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
    closed_before timestamptz NOT NULL,
    kept_for      interval    NOT NULL,
    purged_at     timestamptz NOT NULL DEFAULT now()
);
