DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE incidents;
DROP TABLE alert_states;
DROP TABLE alert_policy_channels;
DROP TABLE alert_policies;
DROP TABLE channels;
