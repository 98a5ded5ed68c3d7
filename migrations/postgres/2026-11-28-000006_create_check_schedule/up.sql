-- The shared schedule (scheduler.mode = shared): one row per enabled website, claimed by the
-- lookout nodes with FOR UPDATE SKIP LOCKED. Times are UTC, from the database's clock.
--
-- A free row is due at `next_due_at`. A claimed row keeps the slot it was claimed for in
-- `claimed_due` and is due again at `next_due_at` = the lease's end: a node that dies loses its
-- sites when their leases run out, without any sweeper. The owner's release moves
-- `next_due_at` to the next slot and clears the lease.
CREATE TABLE check_schedule (
    website_id         BIGINT    PRIMARY KEY REFERENCES websites (id) ON DELETE CASCADE,
    next_due_at        TIMESTAMP NOT NULL,
    claimed_due        TIMESTAMP,
    lease_owner        TEXT,
    -- The shared circuit breaker: consecutive failures, or open until a time.
    breaker_failures   INTEGER   NOT NULL DEFAULT 0,
    breaker_open_until TIMESTAMP,
    changed_at         TIMESTAMP NOT NULL,
    CHECK ((claimed_due IS NULL) = (lease_owner IS NULL))
);

CREATE INDEX check_schedule_next_due ON check_schedule (next_due_at);
