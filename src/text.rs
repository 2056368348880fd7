//! Text from outside (a file, the network) made safe to show: the one sanitising helper. A
//! control character (C0, DEL, C1: `char::is_control`) can drive a terminal — `ESC ]0;…BEL`
//! retitles the window, `ESC [2J` clears it — so every control character but a newline or a
//! tab is written as its escape, `\u001b`, which is also the JSON escape of the same character
//! (text cleaned inside a JSON string keeps its meaning). No layer below: usable everywhere.

use std::borrow::Cow;

/// True when `c` would be escaped by [`clean`]: a control character other than `\n` and `\t`.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `s` with every control character except `\n` and `\t` written as `\u00XX` (borrowed when
/// there is none).
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` on one line: [`clean`], and newlines and tabs escaped too (an endpoint's message, a
/// name).
pub(crate) fn clean_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The first control character of `s` that [`clean`] would escape, as `U+001B`.
pub(crate) fn first_unsafe(s: &str) -> Option<String> {
    s.chars()
        .find(|&c| is_unsafe(c))
        .map(|c| format!("U+{:04X}", c as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_drives_a_terminal_and_keeps_the_rest() {
        let hostile = "\u{1b}]0;PWNED\u{7}\u{1b}[2J name\u{9b}31m\r";
        let c = clean(hostile);
        assert!(!c.chars().any(is_unsafe), "{c}");
        assert_eq!(c, "\\u001b]0;PWNED\\u0007\\u001b[2J name\\u009b31m\\u000d");
        assert!(matches!(clean("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(clean_line("a\nb"), "a\\u000ab");
        assert_eq!(first_unsafe("ok\u{1b}"), Some("U+001B".into()));
        assert_eq!(first_unsafe("ok\n"), None);
        // The escape is JSON's: cleaned text inside a JSON string means the same.
        let v: String = serde_json::from_str(&format!("\"{}\"", clean("x\u{1b}y"))).unwrap();
        assert_eq!(v, "x\u{1b}y");
    }
}
