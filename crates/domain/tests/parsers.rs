//! Property tests of the parse-once values: any input is accepted or refused, never a panic,
//! and what is accepted is stable.

use lookout_domain::history::{CheckCursor, PageLimit};
use lookout_domain::{CheckInterval, IntervalBounds, WebsiteName, WebsiteUrl};
use proptest::prelude::*;

proptest! {
    #[test]
    fn urls_never_panic_and_normalise_once(raw in any::<String>()) {
        if let Ok(url) = WebsiteUrl::parse(&raw) {
            let again = WebsiteUrl::parse(url.as_str());
            prop_assert_eq!(again.as_ref().map(WebsiteUrl::as_str), Ok(url.as_str()));
            prop_assert!(url.as_str().starts_with("http://") || url.as_str().starts_with("https://"));
            prop_assert!(url.as_str().len() <= 2048);
        }
    }

    #[test]
    fn url_like_inputs_never_panic_and_never_show_passwords(
        scheme in prop::sample::select(vec!["http", "https", "HTTP", "ftp", "javascript", ""]),
        password in "[a-zA-Z0-9]{12,20}",
        host in "[a-zA-Z0-9.\\-\\[\\]:%]{0,40}",
        path in "[ -~]{0,60}",
    ) {
        let raw = format!("{scheme}://user:{password}@{host}/{path}");
        if let Ok(url) = WebsiteUrl::parse(&raw) {
            prop_assert!(!url.to_string().contains(&password), "{}", url);
        }
    }

    #[test]
    fn names_are_trimmed_bounded_and_clean(raw in any::<String>()) {
        if let Ok(name) = WebsiteName::parse(&raw) {
            prop_assert_eq!(name.as_str(), name.as_str().trim());
            prop_assert!(!name.as_str().is_empty());
            prop_assert!(name.as_str().chars().count() <= 200);
            prop_assert!(!name.as_str().chars().any(char::is_control));
        }
    }

    #[test]
    fn intervals_are_accepted_exactly_within_bounds(min in 1u32..5000, span in 0u32..5000, secs in any::<i64>()) {
        let bounds = IntervalBounds::new(min, min + span).unwrap();
        let accepted = CheckInterval::new(secs, bounds).is_ok();
        prop_assert_eq!(accepted, secs >= i64::from(min) && secs <= i64::from(min + span));
    }

    #[test]
    fn cursors_and_limits_never_panic(raw in any::<String>(), n in any::<i64>()) {
        if let Ok(cursor) = CheckCursor::parse(&raw) {
            prop_assert_eq!(CheckCursor::parse(&cursor.encode()), Ok(cursor));
        }
        prop_assert_eq!(PageLimit::new(n).is_ok(), (1..=1000).contains(&n));
    }
}
