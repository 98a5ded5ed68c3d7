//! A plan (the answer of `POST /api/apply`) and a document's problems as text for people, the
//! way `terraform plan` prints: `+` create, `~` update, `-` delete, in colour on a terminal.

use std::fmt::Write as _;

use serde_json::Value;

/// ANSI colours, or none when the output is not a terminal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    on: bool,
}

impl Palette {
    pub(crate) fn for_terminal(is_terminal: bool) -> Self {
        Self { on: is_terminal && std::env::var_os("NO_COLOR").is_none() }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    fn red(self, text: &str) -> String {
        self.paint("31", text)
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// The plan as text.
pub(crate) fn plan_text(plan: &Value, palette: Palette) -> String {
    let str_of =
        |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let count = |k: &str| plan["summary"].get(k).and_then(Value::as_u64).unwrap_or(0);
    let (file, dry_run, applied) =
        (str_of(plan, "file"), plan["dry_run"] == true, plan["applied"] == true);
    let (create, update, delete) = (count("create"), count("update"), count("delete"));
    let unchanged = count("unchanged");
    let mut out = String::new();
    if create + update + delete == 0 {
        let _ = writeln!(
            out,
            "{} {file} matches the server ({unchanged} unchanged).",
            palette.bold("No changes.")
        );
        orphans(&mut out, plan, palette);
        return out;
    }
    let _ = writeln!(out, "{file} ({}):\n", str_of(plan, "managed_by"));
    for change in plan["changes"].as_array().into_iter().flatten() {
        let (head, label) = (head(change), label(change));
        let id = change
            .get("id")
            .and_then(Value::as_i64)
            .map(|id| format!(" (id {id})"))
            .unwrap_or_default();
        let (sign, suffix, listed) = match change["action"].as_str() {
            Some("create") => (palette.green("+"), String::new(), Some(false)),
            Some("update") => {
                (palette.yellow("~"), format!("{id}{}", update_notes(change)), Some(true))
            }
            Some("delete") => (palette.red("-"), id, None),
            _ => continue,
        };
        let _ = writeln!(out, "  {sign} {}  {}{suffix}", palette.bold(&head), palette.dim(&label));
        if let Some(update) = listed {
            fields(&mut out, change, palette, update);
        }
    }
    let _ = writeln!(
        out,
        "\nPlan: {} to create, {} to update, {} to delete, {unchanged} unchanged.",
        palette.green(&create.to_string()),
        palette.yellow(&update.to_string()),
        palette.red(&delete.to_string()),
    );
    orphans(&mut out, plan, palette);
    let _ = writeln!(
        out,
        "{}",
        if dry_run {
            palette.bold("Dry run: nothing was written.")
        } else if applied {
            palette.bold("Applied.")
        } else {
            palette.bold("Not applied.")
        }
    );
    out
}

/// `websites.shop`: the item's list and key.
fn head(change: &Value) -> String {
    let resource = change["resource"].as_str().unwrap_or("websites");
    format!("{resource}.{}", change["key"].as_str().unwrap_or_default())
}

/// What the item is: a site's url, a channel's name.
fn label(change: &Value) -> String {
    let text = |name: &str| change[name].as_str().filter(|text| !text.is_empty());
    text("url").or_else(|| text("name")).unwrap_or_default().to_owned()
}

/// `[adopted from the API, was websites.old]` for an update that does either.
fn update_notes(change: &Value) -> String {
    let mut notes = Vec::new();
    if change["adopted"] == true {
        notes.push("adopted from the API".to_owned());
    }
    if let Some(old) = change.get("renamed_from").and_then(Value::as_str) {
        let resource = change["resource"].as_str().unwrap_or("websites");
        notes.push(format!("was {resource}.{old}"));
    }
    if notes.is_empty() { String::new() } else { format!(" [{}]", notes.join(", ")) }
}

/// The fields of a change: every one given for a creation, before → after for an update.
fn fields(out: &mut String, change: &Value, palette: Palette, update: bool) {
    let list: Vec<&Value> = change["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| update || !f["after"].is_null())
        .collect();
    let width = list.iter().filter_map(|f| f["field"].as_str()).map(str::len).max().unwrap_or(0);
    for field in list {
        let name = field["field"].as_str().unwrap_or_default();
        let after = shown(&field["after"]);
        if update {
            let before = shown(&field["before"]);
            let _ =
                writeln!(out, "      {} {name:width$} = {before} → {after}", palette.yellow("~"));
        } else {
            let _ = writeln!(out, "      {} {name:width$} = {after}", palette.green("+"));
        }
    }
}

/// Items the file made and no longer lists, kept because the plan does not prune.
fn orphans(out: &mut String, plan: &Value, palette: Palette) {
    let kept: Vec<&Value> = plan["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["action"] == "orphaned")
        .collect();
    if kept.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{} no longer in the file and kept (apply with --prune to delete):",
        kept.len()
    );
    for change in kept {
        let _ = writeln!(
            out,
            "  {} {}  {}",
            palette.dim("·"),
            head(change),
            palette.dim(&label(change))
        );
    }
}

/// A value on one line: strings quoted, objects and lists as compact JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// The problems of an invalid document (`invalid_document`), one per line as
/// `file:line:column: field: message`.
pub(crate) fn problems_text(file: &str, body: &Value, palette: Palette) -> String {
    let mut out = String::new();
    let problems = body["errors"].as_array().cloned().unwrap_or_default();
    let _ = writeln!(out, "{} {file}: {} problem(s)", palette.red("Error:"), problems.len().max(1));
    if problems.is_empty() {
        let _ =
            writeln!(out, "  {}", body["message"].as_str().unwrap_or("the document was refused"));
    }
    for problem in problems {
        let mut place = file.to_owned();
        if let (Some(line), Some(column)) = (problem["line"].as_u64(), problem["column"].as_u64()) {
            place = format!("{file}:{line}:{column}");
        }
        let field = problem["field"].as_str().map(|f| format!("{f}: ")).unwrap_or_default();
        let message = problem["message"].as_str().unwrap_or_default();
        let _ = writeln!(out, "  {}: {field}{message}", palette.bold(&place));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Palette = Palette { on: false };

    #[test]
    fn a_plan_reads_like_terraform() {
        let plan = serde_json::json!({
        "file": "sites.yaml", "managed_by": "file:sites.yaml", "dry_run": true, "applied": false,
        "summary": {"create": 2, "update": 1, "delete": 1, "unchanged": 2, "orphaned": 1},
        "changes": [
            {"resource": "channels", "action": "create", "key": "ops", "name": "Ops", "url": null,
             "id": null, "fields": [{"field": "name", "before": null, "after": "Ops"},
                                    {"field": "config", "before": null, "after": {"webhook_url": "***"}}]},
            {"action": "create", "key": "shop", "url": "https://shop.example", "id": null,
             "fields": [{"field": "url", "before": null, "after": "https://shop.example"},
                        {"field": "check_interval", "before": null, "after": 60},
                        {"field": "alerts", "before": null, "after": null}]},
            {"action": "update", "key": "api", "url": "https://api.example", "id": 4, "adopted": true,
             "fields": [{"field": "check_interval", "before": 60, "after": 30}]},
            {"action": "delete", "key": "old", "url": "https://old.example", "id": 7, "fields": []},
            {"action": "orphaned", "key": "kept", "url": "https://kept.example", "id": 9, "fields": []}
        ]});
        let text = plan_text(&plan, PLAIN);
        assert!(text.contains("  + websites.shop  https://shop.example\n"), "{text}");
        assert!(text.contains("      + check_interval = 60\n"), "{text}");
        assert!(text.contains("  + channels.ops  Ops\n"), "{text}");
        assert!(text.contains("      + config = {\"webhook_url\":\"***\"}\n"), "{text}");
        assert!(!text.contains("alerts"), "{text}");
        assert!(
            text.contains("  ~ websites.api  https://api.example (id 4) [adopted from the API]\n"),
            "{text}"
        );
        assert!(text.contains("      ~ check_interval = 60 → 30\n"), "{text}");
        assert!(text.contains("  - websites.old  https://old.example (id 7)\n"), "{text}");
        assert!(
            text.contains("Plan: 2 to create, 1 to update, 1 to delete, 2 unchanged."),
            "{text}"
        );
        assert!(text.contains("1 no longer in the file and kept (apply with --prune to delete):\n  · websites.kept"), "{text}");
        assert!(text.ends_with("Dry run: nothing was written.\n"), "{text}");
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn nothing_to_do_says_no_changes() {
        let plan =
            serde_json::json!({"file": "s.yaml", "summary": {"unchanged": 3}, "changes": []});
        assert_eq!(
            plan_text(&plan, PLAIN),
            "No changes. s.yaml matches the server (3 unchanged).\n"
        );
    }

    #[test]
    fn problems_name_file_line_and_column() {
        let body = serde_json::json!({"code": "invalid_document", "errors": [
            {"field": "websites[1].check_interval", "line": 9, "column": 5, "message": "too small"},
            {"line": 2, "column": 1, "message": "duplicate key `url`"}]});
        let text = problems_text("s.yaml", &body, PLAIN);
        assert!(text.contains("  s.yaml:9:5: websites[1].check_interval: too small\n"), "{text}");
        assert!(text.contains("  s.yaml:2:1: duplicate key `url`\n"), "{text}");
    }
}
