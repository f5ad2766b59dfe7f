-- Operators search accounts by any part of an email. A trigram index answers a substring of three or
-- more characters without reading every account (pg_trgm is a trusted extension: the database owner
-- may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX accounts_email_trgm ON accounts USING gin (email gin_trgm_ops);
