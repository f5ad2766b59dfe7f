-- Retention removes sessions a month after they ended and e-mail links a day after they expired; these
-- indexes keep that sweep from reading the whole tables.
CREATE INDEX sessions_ended_idx ON sessions ((coalesce(revoked_at, expires_at)));
CREATE INDEX email_tokens_expires_idx ON email_tokens (expires_at);
