-- Public status pages (issue 14): a slug, a title, an optional description, and the sites
-- shown, in order. A site deleted leaves its pages.
CREATE TABLE status_pages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT      NOT NULL UNIQUE,
    title       TEXT      NOT NULL,
    description TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE status_page_sites (
    status_page_id BIGINT  NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
    website_id     BIGINT  NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    PRIMARY KEY (status_page_id, website_id)
);
CREATE INDEX status_page_sites_website ON status_page_sites (website_id);
