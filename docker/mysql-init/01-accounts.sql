-- Two accounts (runs once, on the first start of the MySQL container):
--   analytics_migrator: changes the schema; used only by the one-shot `migrate` service.
--   analytics (created by the image from MYSQL_USER): the worker; reads and writes rows, no DDL, no DELETE.
CREATE USER IF NOT EXISTS 'analytics_migrator'@'%' IDENTIFIED BY 'migrator123';
GRANT ALL PRIVILEGES ON analytics.* TO 'analytics_migrator'@'%';
-- The image grants MYSQL_USER everything on MYSQL_DATABASE; narrow it. A table-level grant needs
-- the table, which the migration creates later, so the worker gets these on the database.
REVOKE ALL PRIVILEGES ON analytics.* FROM 'analytics'@'%';
GRANT SELECT, INSERT, UPDATE ON analytics.* TO 'analytics'@'%';
FLUSH PRIVILEGES;
