//! Error text for logs: each error's message and its sources, joined by `: `, without the
//! `Debug` dump the SDK's `DisplayErrorContext` appends (it holds the raw HTTP response, which
//! may be a whole configuration item, and items are never logged).

/// `service error: ResourceNotDiscoveredException: Resource nb-big … has not been discovered`.
pub fn error_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(next) = source {
        let text = next.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = next.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn sources_are_joined_without_debug_dumps() {
        let error = Outer(std::io::Error::other(
            "raw body must not appear in Debug form",
        ));
        assert_eq!(
            error_text(&error),
            "outer: raw body must not appear in Debug form"
        );
    }
}
