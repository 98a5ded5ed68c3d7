//! The diesel schema, shared by the SQLite and PostgreSQL backends. Timestamps are UTC.

diesel::table! {
    status_pages (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        managed_by -> Nullable<Text>,
        managed_key -> Nullable<Text>,
    }
}

diesel::table! {
    status_page_sites (status_page_id, website_id) {
        status_page_id -> BigInt,
        website_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(status_page_sites -> status_pages (status_page_id));

diesel::table! {
    secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    websites (id) {
        id -> BigInt,
        url -> Text,
        name -> Text,
        enabled -> Bool,
        check_interval -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        url_given -> Nullable<Text>,
        request -> Nullable<Text>,
        assertions -> Nullable<Text>,
        degraded_above_ms -> Nullable<Integer>,
        verdict -> Nullable<SmallInt>,
        public -> Bool,
        regions -> Nullable<Text>,
        quorum -> Nullable<Text>,
        managed_by -> Nullable<Text>,
        managed_key -> Nullable<Text>,
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
        in_maintenance -> Bool,
        degraded -> Bool,
        failed_assertion -> Nullable<Text>,
        dns_us -> Nullable<Integer>,
        connect_us -> Nullable<Integer>,
        tls_us -> Nullable<Integer>,
        ttfb_us -> Nullable<Integer>,
        transfer_us -> Nullable<Integer>,
        region -> Nullable<Text>,
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
    check_rollups (website_id, grain, bucket_start, region) {
        website_id -> BigInt,
        grain -> Integer,
        bucket_start -> Timestamp,
        region -> Text,
        check_count -> BigInt,
        available_count -> BigInt,
        responded_count -> BigInt,
        degraded_count -> BigInt,
        response_sum_us -> BigInt,
        response_min_us -> BigInt,
        response_max_us -> BigInt,
        response_histogram -> Text,
        maintenance_count -> BigInt,
        maintenance_available_count -> BigInt,
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
    status_pages,
    status_page_sites,
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

diesel::table! {
    channels (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        config -> Text,
        is_default -> Bool,
        last_message_at -> Nullable<Timestamp>,
        window_started_at -> Nullable<Timestamp>,
        window_messages -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        managed_by -> Nullable<Text>,
        managed_key -> Nullable<Text>,
    }
}

diesel::table! {
    alert_policies (website_id) {
        website_id -> BigInt,
        failure_threshold -> Nullable<Integer>,
        success_threshold -> Nullable<Integer>,
        confirm_after_secs -> Nullable<BigInt>,
        reminder_every_secs -> Nullable<BigInt>,
        max_reminders -> Nullable<Integer>,
        channels_set -> Bool,
    }
}

diesel::table! {
    alert_policy_channels (website_id, escalate_after_secs, channel_id) {
        website_id -> BigInt,
        channel_id -> BigInt,
        escalate_after_secs -> BigInt,
    }
}

diesel::table! {
    alert_states (website_id) {
        website_id -> BigInt,
        failures -> Integer,
        successes -> Integer,
        incident_id -> Nullable<BigInt>,
        flapping_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    incidents (id) {
        id -> BigInt,
        website_id -> BigInt,
        opened_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        acknowledged_at -> Nullable<Timestamp>,
        reminders_sent -> Integer,
        escalations_done -> Integer,
        first_check -> Nullable<Text>,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        channel_id -> BigInt,
        incident_id -> Nullable<BigInt>,
        website_id -> Nullable<BigInt>,
        event -> Text,
        dedup_key -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        next_attempt_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    delivery_attempts (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        attempted_at -> Timestamp,
        duration_ms -> BigInt,
        outcome -> Text,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(alert_policy_channels -> channels (channel_id));
diesel::joinable!(deliveries -> channels (channel_id));
diesel::joinable!(deliveries -> incidents (incident_id));
diesel::joinable!(incidents -> websites (website_id));
diesel::joinable!(delivery_attempts -> deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    channels,
    alert_policies,
    alert_policy_channels,
    alert_states,
    incidents,
    deliveries,
    delivery_attempts,
    websites
);

diesel::table! {
    maintenance_windows (id) {
        id -> BigInt,
        name -> Text,
        mode -> Text,
        all_websites -> Bool,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        schedule -> Nullable<Text>,
        duration_secs -> Nullable<BigInt>,
        timezone -> Nullable<Text>,
        from_at -> Nullable<Timestamp>,
        until_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        managed_by -> Nullable<Text>,
        managed_key -> Nullable<Text>,
    }
}

diesel::table! {
    maintenance_websites (maintenance_id, website_id) {
        maintenance_id -> BigInt,
        website_id -> BigInt,
    }
}

diesel::joinable!(maintenance_websites -> maintenance_windows (maintenance_id));
diesel::allow_tables_to_appear_in_same_query!(maintenance_windows, maintenance_websites);

diesel::table! {
    certificates (website_id) {
        website_id -> BigInt,
        subject -> Text,
        issuer -> Text,
        sans -> Text,
        not_before -> Timestamp,
        not_after -> Timestamp,
        checked_at -> Timestamp,
    }
}

diesel::joinable!(certificates -> websites (website_id));

diesel::table! {
    region_verdicts (website_id, region) {
        website_id -> BigInt,
        region -> Text,
        verdict -> SmallInt,
        checked_at -> Timestamp,
    }
}

diesel::joinable!(region_verdicts -> websites (website_id));
