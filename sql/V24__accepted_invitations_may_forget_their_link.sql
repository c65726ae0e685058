-- The expiry job's purge forgets the token hashes of invitations closed longer than purge-token-hashes-after,
-- accepted ones included; but an accepted invitation had to keep its hash, so the first accepted invitation old
-- enough failed every purge batch from then on. Only a SENT invitation needs its hash (its link must open); an
-- accepted one whose hash was forgotten is as closed as before, and its old link is simply unknown.
ALTER TABLE invitation DROP CONSTRAINT invitation_sent_has_token;
ALTER TABLE invitation ADD CONSTRAINT invitation_sent_has_token CHECK (status <> 'SENT' OR token_hash IS NOT NULL);
