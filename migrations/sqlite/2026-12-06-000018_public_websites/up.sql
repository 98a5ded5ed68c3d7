-- A site may show its badges without being on a status page (issue 14).
ALTER TABLE websites ADD COLUMN public BOOLEAN NOT NULL DEFAULT 0;
