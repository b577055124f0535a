-- Runs once, when the compose PostgreSQL volume is first created (docker-entrypoint-initdb.d).
-- One database per service; each service creates its own tables through its migrations.
-- Local only: every database is owned by the single local user from POSTGRES_USER.
CREATE DATABASE membership;
CREATE DATABASE meetings;
CREATE DATABASE decisions;
CREATE DATABASE assessment;
