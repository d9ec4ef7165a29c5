//! Bounds on what the loader accepts, so a hostile file costs bounded time
//! and memory before any parser sees it.

use super::Source;
use crate::error::{Error, ErrorKind, Location};

/// The largest schema the generator reads, in bytes. authentik's full
/// schema is under 2 MB; 64 MiB leaves room for any real release while
/// bounding what a hostile file can make the generator allocate.
pub const MAX_SCHEMA_BYTES: usize = 64 * 1024 * 1024;

/// The deepest nesting of YAML flow collections (`[...]`, `{...}`) the
/// loader passes to the YAML parser. The parser's work per token grows with
/// this depth, so 100,000 nested brackets would take minutes to reject;
/// deserialising stops at 128 levels of any nesting anyway, and real
/// schemas use a handful.
const MAX_FLOW_DEPTH: usize = 256;

/// Refuses input over [`MAX_SCHEMA_BYTES`].
pub(super) fn check_size(name: &str, bytes: usize) -> Result<(), Error> {
    if bytes > MAX_SCHEMA_BYTES {
        return Err(Error::at(
            ErrorKind::TooLarge,
            Location::new(name, ""),
            format!(
                "the schema is larger than {} MiB, the most the generator reads",
                MAX_SCHEMA_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

/// Refuses YAML whose flow collections nest deeper than [`MAX_FLOW_DEPTH`].
///
/// A quick scan, not a parser: it skips quoted scalars and comments, and may
/// count a bracket inside a plain or block scalar, which can only make it
/// see more nesting than there is after hundreds of unmatched brackets in
/// text, never less.
pub(super) fn check_flow_depth(source: &Source) -> Result<(), Error> {
    let mut depth = 0usize;
    let (mut line, mut column) = (1, 0);
    let mut chars = source.text.chars().peekable();
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => (line, column) = (line + 1, 0),
            '#' if previous.is_whitespace() => {
                // A comment runs to the end of the line.
                while chars.next_if(|&c| c != '\n').is_some() {}
            }
            '"' | '\'' if matches!(previous, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':') => {
                // A quoted scalar: skip to its closing quote (`\"` escapes in
                // double quotes, `''` in single quotes).
                while let Some(inner) = chars.next() {
                    match inner {
                        '\n' => (line, column) = (line + 1, 0),
                        '\\' if c == '"' => {
                            chars.next();
                        }
                        _ if inner == c => {
                            if c == '\'' && chars.next_if_eq(&'\'').is_some() {
                                continue;
                            }
                            break;
                        }
                        _ => {}
                    }
                }
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    let mut location = Location::new(&source.name, "");
                    location.line_column = Some((line, column));
                    return Err(Error::at(
                        ErrorKind::TooLarge,
                        location,
                        format!("YAML collections nested more than {MAX_FLOW_DEPTH} deep"),
                    ));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(text: &str) -> Option<Error> {
        check_flow_depth(&Source::new("s.yml", text)).err()
    }

    #[test]
    fn deep_flow_collections_are_refused_with_their_place() {
        let text = format!("a: 1\nb: {}", "[".repeat(MAX_FLOW_DEPTH + 1));
        let error = depth_error(&text).expect("too deep");
        assert_eq!(error.kind, ErrorKind::TooLarge);
        let location = error.location.expect("located");
        assert_eq!(location.line_column, Some((2, 4 + MAX_FLOW_DEPTH)));
    }

    #[test]
    fn closed_collections_quotes_and_comments_do_not_count() {
        let many = |open: &str, close: &str| {
            format!(
                "{}{}",
                open.repeat(MAX_FLOW_DEPTH),
                close.repeat(MAX_FLOW_DEPTH)
            )
        };
        let deep_but_closed = format!("a: {}\nb: {}", many("[", "]"), many("{", "}"));
        assert!(depth_error(&deep_but_closed).is_none());
        let brackets = "[".repeat(MAX_FLOW_DEPTH + 1);
        for text in [
            format!("pattern: \"{brackets}\"\n"),
            format!("pattern: '{brackets}'\n"),
            format!("pattern: 'it''s {brackets}'\n"),
            format!("pattern: \"a \\\" {brackets}\"\n"),
            format!("a: 1 # {brackets}\n"),
            format!("- [\"{brackets}\", '{brackets}']\n"),
        ] {
            assert!(depth_error(&text).is_none(), "{text}");
        }
    }

    #[test]
    fn apostrophes_in_plain_text_are_not_quotes() {
        // `it's` opens no quoted scalar, so the brackets after it count.
        let text = format!("a: it's {}", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert!(depth_error(&text).is_some());
    }

    #[test]
    fn the_size_limit_is_inclusive() {
        assert!(check_size("s.yml", MAX_SCHEMA_BYTES).is_ok());
        let error = check_size("s.yml", MAX_SCHEMA_BYTES + 1).expect_err("too large");
        assert_eq!(error.kind, ErrorKind::TooLarge);
    }
}
