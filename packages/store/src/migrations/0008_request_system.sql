-- Requests of the control plane itself (bootstrap add-ons, static pods, controllers' own work) are
-- listed apart from users' operations: hidden from the requests list unless asked for
-- (`system=include|only`). The flag lives in the request's body; a column makes it a filter.
ALTER TABLE requests ADD COLUMN system INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET system = 1 WHERE json_extract(body, '$.system') = 1;
