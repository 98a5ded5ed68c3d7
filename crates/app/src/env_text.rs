//! `${NAME}` in a document's text, replaced by the environment variable's value, so secrets stay
//! out of the file. `$${` writes a literal `${`. A variable that is not set is an error that
//! names its line and column.

/// `text` with every `${NAME}` replaced by `lookup(NAME)`.
pub(crate) fn substitute(
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find('$') {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            if let Some(tail) = after.strip_prefix("$${") {
                out.push_str("${");
                rest = tail;
            } else if let Some(tail) = after.strip_prefix("${") {
                let column = line.len() - after.len() + 1;
                let place = format!("line {} column {column}", number + 1);
                let Some(end) = tail.find('}') else {
                    return Err(format!("{place}: `${{` without its closing `}}`"));
                };
                let name = &tail[..end];
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(format!("{place}: `${{{name}}}` is not a variable name"));
                }
                let Some(value) = lookup(name) else {
                    return Err(format!("{place}: environment variable {name} is not set"));
                };
                out.push_str(&value);
                rest = &tail[end + 1..];
            } else {
                out.push('$');
                rest = &after[1..];
            }
        }
        out.push_str(rest);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "TOKEN").then(|| "s3cret".to_owned())
    }

    #[test]
    fn variables_are_replaced_and_escapes_kept() {
        let text = "a: ${TOKEN}\nb: $${TOKEN} costs $5\n";
        assert_eq!(substitute(text, env).unwrap(), "a: s3cret\nb: ${TOKEN} costs $5\n");
    }

    #[test]
    fn a_missing_variable_names_its_place() {
        let error = substitute("a: 1\nb: x ${NOPE}\n", env).unwrap_err();
        assert_eq!(error, "line 2 column 6: environment variable NOPE is not set");
        assert!(substitute("a: ${TOKEN", env).unwrap_err().contains("closing"));
        assert!(substitute("a: ${TO-KEN}", env).unwrap_err().contains("not a variable name"));
    }
}
