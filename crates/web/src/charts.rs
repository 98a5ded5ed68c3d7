//! Charts drawn on the server as inline SVG: the overview's sparkline, a site's 90-day bar and
//! its response-time chart (p50 and p95 lines, a value on hover or focus).

use std::fmt::Write;

use lookout_domain::dashboard::{ChartPoint, DayBar};
use maud::{Markup, html};
use time::OffsetDateTime;

use crate::format;

/// `M x y L x y …` through `points`, a new `M` after each gap; a point alone is drawn as a dot
/// (a zero-length segment, which a round line cap shows).
fn path(points: impl Iterator<Item = Option<(f64, f64)>>) -> String {
    let mut d = String::new();
    let mut run = 0;
    for point in points {
        match point {
            Some((x, y)) => {
                let _ = write!(d, "{}{x:.1} {y:.1} ", if run > 0 { "L" } else { "M" });
                run += 1;
            }
            None => {
                if run == 1 {
                    d.push_str("l0 0 ");
                }
                run = 0;
            }
        }
    }
    if run == 1 {
        d.push_str("l0 0");
    }
    d.trim_end().to_owned()
}

/// The last 24 hours' mean response time per hour, 120 × 28.
pub(crate) fn sparkline(hours: &[Option<f64>]) -> Markup {
    const W: f64 = 120.0;
    const H: f64 = 28.0;
    let max = hours.iter().flatten().copied().fold(0.0_f64, f64::max);
    let answered: Vec<f64> = hours.iter().flatten().copied().collect();
    let label = if answered.is_empty() {
        "No answers in the last 24 hours".to_owned()
    } else {
        let mean = answered.iter().sum::<f64>() / answered.len() as f64;
        format!(
            "Response time, last 24 hours: mean {}, peak {}",
            format::seconds(mean),
            format::seconds(max)
        )
    };
    let step = W / (hours.len().max(2) - 1) as f64;
    let d = path(hours.iter().enumerate().map(|(i, v)| {
        v.map(|v| (i as f64 * step, H - 2.0 - if max > 0.0 { v / max * (H - 4.0) } else { 0.0 }))
    }));
    html! {
        svg.spark width="120" height="28" viewBox="0 0 120 28" role="img" aria-label=(label) {
            title { (label) }
            @if !d.is_empty() { path d=(d) {} }
        }
    }
}

/// 90 days of uptime, one bar a day.
pub(crate) fn day_bars(days: &[DayBar]) -> Markup {
    html! {
        div.bars role="img" aria-label=(format!("Daily uptime over the last {} days", days.len())) {
            @for day in days {
                @let class = match day.uptime {
                    None => "",
                    Some(u) if u >= 99.5 => "good",
                    Some(u) if u >= 97.5 => "warn",
                    Some(_) => "bad",
                };
                span class=(class) title=(format!("{}: {}", format::day(day.day), format::percent(day.uptime))) {}
            }
        }
        @if let (Some(first), Some(last)) = (days.first(), days.last()) {
            div.bars-legend { span { (format::day(first.day)) } span { "Today, " (format::day(last.day)) } }
        }
    }
}

/// The response-time chart over `[from, to)`: p50 solid, p95 dashed, hour or day points.
pub(crate) fn response_chart(
    points: &[ChartPoint],
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Markup {
    const W: f64 = 800.0;
    const H: f64 = 240.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 12.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 28.0;
    if points.is_empty() {
        return html! { p.muted { "No answers in this period yet." } };
    }
    let top = points.iter().map(|p| p.p95.max(p.p50)).fold(0.0_f64, f64::max).max(0.001) * 1.1;
    let span = (to - from).as_seconds_f64().max(1.0);
    let x = |at: OffsetDateTime| LEFT + (at - from).as_seconds_f64() / span * (W - LEFT - RIGHT);
    let y = |v: f64| TOP + (1.0 - v / top) * (H - TOP - BOTTOM);
    let p50 = path(points.iter().map(|p| Some((x(p.at), y(p.p50)))));
    let p95 = path(points.iter().map(|p| Some((x(p.at), y(p.p95)))));
    let slot = ((W - LEFT - RIGHT) / points.len() as f64).clamp(4.0, 60.0);
    let middle = from + (to - from) / 2;
    html! {
        div.chart-wrap {
            div.tip aria-hidden="true" {}
            svg.chart viewBox="0 0 800 240" role="img"
                aria-label=(format!("Response time p50 and p95, {} points", points.len())) {
                @for i in 0..=4 {
                    @let value = top * f64::from(i) / 4.0;
                    line.grid x1=(LEFT) x2=(W - RIGHT) y1=(format!("{:.1}", y(value))) y2=(format!("{:.1}", y(value))) {}
                    text.axis x=(LEFT - 6.0) y=(format!("{:.1}", y(value) + 4.0)) text-anchor="end" { (format::seconds(value)) }
                }
                text.axis x=(LEFT) y=(H - 8.0) { (format::when(from)) }
                text.axis x=(format!("{:.1}", x(middle))) y=(H - 8.0) text-anchor="middle" { (format::when(middle)) }
                text.axis x=(W - RIGHT) y=(H - 8.0) text-anchor="end" { (format::when(to)) }
                path.p95 d=(p95) {}
                path.p50 d=(p50) {}
                @for point in points {
                    @let tip = format!("{} · p50 {} · p95 {}", format::when(point.at), format::seconds(point.p50), format::seconds(point.p95));
                    rect.hit x=(format!("{:.1}", x(point.at) - slot / 2.0)) y=(TOP) width=(format!("{slot:.1}"))
                        height=(H - TOP - BOTTOM) data-tip=(tip) tabindex="0" {
                        title { (tip) }
                    }
                }
            }
            div.legend { span.k50 { "p50 (median)" } span.k95 { "p95" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_sparkline_breaks_at_hours_without_answers() {
        let svg = sparkline(&[Some(0.1), Some(0.2), None, Some(0.2)]).into_string();
        assert!(svg.contains("d=\"M0.0 "), "{svg}");
        assert_eq!(svg.matches('M').count(), 2, "two runs: {svg}");
        assert!(svg.contains("peak 200 ms"), "{svg}");
        assert!(!sparkline(&[None; 24]).into_string().contains("<path"));
    }

    #[test]
    fn the_chart_draws_both_lines_and_a_hover_target_per_point() {
        let from = datetime!(2026-12-06 00:00 UTC);
        let points: Vec<ChartPoint> = (0..3)
            .map(|h| ChartPoint { at: from + time::Duration::hours(h), p50: 0.1, p95: 0.3 })
            .collect();
        let svg = response_chart(&points, from, from + time::Duration::DAY).into_string();
        assert!(svg.contains("class=\"p50\" d=\"M56.0 "), "{svg}");
        assert_eq!(svg.matches("class=\"hit\"").count(), 3);
        assert!(svg.contains("p50 100 ms · p95 300 ms"), "{svg}");
    }

    #[test]
    fn day_bars_are_coloured_by_uptime() {
        let day = datetime!(2026-12-06 00:00 UTC);
        let bars = day_bars(&[
            DayBar { day, uptime: None },
            DayBar { day, uptime: Some(100.0) },
            DayBar { day, uptime: Some(98.0) },
            DayBar { day, uptime: Some(50.0) },
        ])
        .into_string();
        for class in ["\"good\"", "\"warn\"", "\"bad\""] {
            assert!(bars.contains(class), "{class} in {bars}");
        }
    }
}
