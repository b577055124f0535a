-- Runs once, when the compose PostgreSQL volume is first created (docker-entrypoint-initdb.d).
-- One database per service; each service creates its own tables through its migrations.
-- Local only: every database is owned by the single local user from POSTGRES_USER.
-- Bytewise text order (collation "C"), as SQLite compares text, so keyset pages read the same on
-- both stores; the services refuse a database of another collation (docs/storage.md).
CREATE DATABASE membership TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE meetings TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE decisions TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE assessment TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
