# lookout's recipes. `just ci` runs exactly what .ci/run runs.

# Run the monitor (API + scheduler) on the embedded SQLite default.
run:
    cargo run --release

# Run the whole test suite (PostgreSQL tests run when LOOKOUT_TEST_POSTGRES_URL is set).
test:
    cargo test --workspace

# Everything CI checks: format, lints, layering, tests.
ci:
    .ci/run

# The benchmark suite (release build; installs wrk and nginx when missing). `just bench throughput --sites 8000`
# runs one case.
bench *ARGS:
    scripts/bench {{ARGS}}

# Lints as CI runs them.
lint:
    cargo clippy --workspace --all-targets -- -D warnings
    scripts/check-layering

# Format the code.
fmt:
    cargo fmt --all
