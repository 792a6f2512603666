//! Where in a JSON text an error is, as a path (`images[0].renditions.thumb`):
//! the few lines that let the manifest's one typed reading explain itself
//! without wrapping every deserialiser to track paths (which doubled the
//! reading code in the browser app).

/// One open container while scanning.
enum Frame {
    /// An object and the key whose value is being read (none before the
    /// first); `key_next` while a string would be a key.
    Object { key: Option<String>, key_next: bool },
    /// An array and the index of the element being read.
    Array { index: usize },
}

/// The path of the value being read at byte `at` of `text` (the byte
/// serde_json's error points at, included): the keys and indices of every
/// container open after it. A `}` or `]` there closes its container, so an
/// error raised at an object's end (a missing field) names that object.
/// Empty at the top level.
pub(super) fn at(text: &str, at: usize) -> String {
    let bytes = text.as_bytes();
    let end = (at + 1).min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, key_next }) = stack.last_mut()
                    && *key_next
                {
                    *key = text.get(start..i.min(bytes.len())).map(str::to_owned);
                    *key_next = false;
                }
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                key_next: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key_next, .. }) => *key_next = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    path
}

/// The byte offset of serde_json's one-based `line` and `column` in `text`.
pub(super) fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    line_start + column.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_keys_and_indices_of_open_containers() {
        let text = r#"{"a":[{"b":1},{"c":{"d":"x,\"}"}}]}"#;
        let of = |needle: &str| at(text, text.find(needle).unwrap());
        assert_eq!(of("1"), "a[0].b");
        assert_eq!(of("\"x"), "a[1].c.d");
        // The inner object's `}` closes it: its own path.
        assert_eq!(of("}}]"), "a[1].c");
        assert_eq!(of("]"), "a");
        assert_eq!(at(text, text.len() - 1), "");
    }

    #[test]
    fn lines_and_columns_become_offsets() {
        let text = "{\n  \"a\": 1,\n  \"b\": x\n}";
        assert_eq!(offset(text, 3, 8), text.find('x').unwrap());
        assert_eq!(offset(text, 1, 1), 0);
    }
}
