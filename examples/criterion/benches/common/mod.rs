//! What the benchmark targets share: criterion's settings.

use std::time::Duration;

use criterion::Criterion;

/// Criterion as `criterion_main!` would set it up, with short runs and without plots.
///
/// Ten samples in one second after 0.3 s of warm-up keep the whole suite at seconds per
/// revision. The plots would take several times as long to draw as the suite takes to measure,
/// and the estimates (`target/criterion/**/new/*.json`) and the terminal report do not need
/// them. Settings given on the command line (`--sample-size`, `--measurement-time`, ...) still
/// apply.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(1))
        .warm_up_time(Duration::from_millis(300))
        .configure_from_args()
        .without_plots()
}
