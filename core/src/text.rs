//! Text from certificates and inputs, bounded before it enters a message. No imports:
//! every band may use it.

/// `text` cut to at most `max_chars` characters, the last of them an ellipsis when it
/// was cut: how attacker-sized text (a distinguished name of a megabyte) enters a message.
pub(crate) fn ellipsize(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => {
            let keep = max_chars.saturating_sub(1);
            let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &text[..end]))
        }
    }
}
