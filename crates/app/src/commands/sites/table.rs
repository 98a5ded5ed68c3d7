//! Sites as aligned text tables.

use std::fmt::Write as _;

use serde_json::Value;

/// A list of sites: id, name, url, interval, enabled, manager.
pub(super) fn sites(list: &Value) -> String {
    let rows: Vec<[String; 6]> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|site| {
            [
                site["id"].to_string(),
                text(&site["name"]),
                text(&site["url"]),
                format!("{}s", site["check_interval"]),
                if site["enabled"] == true { "yes".into() } else { "paused".into() },
                site["managed_by"].as_str().unwrap_or("api").to_owned(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return "No sites.\n".to_owned();
    }
    render(["ID", "NAME", "URL", "EVERY", "ENABLED", "MANAGED BY"], &rows)
}

/// One site and its status, as `field  value` lines.
pub(super) fn site(site: &Value, status: &Value) -> String {
    let mut out = String::new();
    let breaker = &status["circuit_breaker"]["state"];
    let last = &status["last_check"];
    let last_check = if last.is_null() {
        "none yet".to_owned()
    } else {
        let code = last["status_code"].as_i64().map(|c| format!("HTTP {c}, ")).unwrap_or_default();
        let ms = last["response_time"]
            .as_f64()
            .map(|s| format!("{:.0} ms", s * 1000.0))
            .unwrap_or_default();
        format!("{} ({code}{ms})", text(&last["timestamp"]))
    };
    let lines = [
        ("id", site["id"].to_string()),
        ("name", text(&site["name"])),
        ("url", text(&site["url"])),
        ("state", text(&status["state"])),
        ("last check", last_check),
        ("next check", text(&status["next_check_at"])),
        ("breaker", text(breaker)),
        ("every", format!("{}s", site["check_interval"])),
        ("enabled", site["enabled"].to_string()),
        ("managed by", site["managed_by"].as_str().unwrap_or("api (no file)").to_owned()),
    ];
    for (name, value) in lines {
        let _ = writeln!(out, "{name:<10}  {value}");
    }
    out
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}

fn render<const N: usize>(head: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = head.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells.zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&mut out, &mut head.iter().copied());
    for row in rows {
        line(&mut out, &mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_an_aligned_table() {
        let list = serde_json::json!([
            {"id": 1, "name": "Shop", "url": "https://shop.example/", "check_interval": 60, "enabled": true, "managed_by": "file:sites.yaml"},
            {"id": 12, "name": "API", "url": "https://api.example/", "check_interval": 300, "enabled": false, "managed_by": null}
        ]);
        assert_eq!(
            sites(&list),
            "ID  NAME  URL                    EVERY  ENABLED  MANAGED BY\n\
             1   Shop  https://shop.example/  60s    yes      file:sites.yaml\n\
             12  API   https://api.example/   300s   paused   api\n"
        );
        assert_eq!(sites(&serde_json::json!([])), "No sites.\n");
    }
}
