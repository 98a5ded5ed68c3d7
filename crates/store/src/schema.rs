//! The diesel schema, shared by the SQLite and PostgreSQL backends. Timestamps are UTC.

diesel::table! {
    websites (id) {
        id -> BigInt,
        url -> Text,
        name -> Text,
        enabled -> Bool,
        check_interval -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    monitor_checks (id) {
        id -> BigInt,
        website_id -> BigInt,
        timestamp -> Timestamp,
        status_code -> Nullable<Integer>,
        response_time -> Double,
        is_available -> Bool,
        error_message -> Nullable<Text>,
        node_id -> Nullable<Text>,
    }
}

diesel::table! {
    downtime_windows (id) {
        id -> BigInt,
        website_id -> BigInt,
        start_time -> Timestamp,
        end_time -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    check_rollups (website_id, grain, bucket_start) {
        website_id -> BigInt,
        grain -> Integer,
        bucket_start -> Timestamp,
        check_count -> BigInt,
        available_count -> BigInt,
        responded_count -> BigInt,
        response_sum_us -> BigInt,
        response_min_us -> BigInt,
        response_max_us -> BigInt,
        response_histogram -> Text,
    }
}

diesel::table! {
    rollup_marks (grain) {
        grain -> Integer,
        rolled_through -> Timestamp,
    }
}

diesel::table! {
    nodes (id) {
        id -> Text,
        region -> Text,
        version -> Text,
        started_at -> Timestamp,
        last_heartbeat -> Timestamp,
    }
}

diesel::joinable!(monitor_checks -> websites (website_id));
diesel::joinable!(downtime_windows -> websites (website_id));
diesel::joinable!(check_rollups -> websites (website_id));
diesel::allow_tables_to_appear_in_same_query!(
    websites,
    monitor_checks,
    downtime_windows,
    check_rollups
);

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Nullable<Text>,
        scope -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}
