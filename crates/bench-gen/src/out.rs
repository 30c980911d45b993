//! Writing one document per file, laid out as the AWS CLI prints JSON (Python's
//! `json.dumps(indent=4)`: four spaces, `[]`/`{}` for empty containers), so that the input
//! size is that of a real snapshot.

use serde_json::Value;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

pub struct Out {
    dir: PathBuf,
    pub files: u64,
    pub bytes: u64,
}

impl Out {
    pub fn new(dir: PathBuf) -> std::io::Result<Out> {
        std::fs::create_dir_all(&dir)?;
        Ok(Out {
            dir,
            files: 0,
            bytes: 0,
        })
    }

    pub fn write(&mut self, name: &str, doc: &Value) -> std::io::Result<()> {
        let file = std::fs::File::create(self.dir.join(name))?;
        let mut w = BufWriter::with_capacity(1 << 16, file);
        let mut buf = Vec::with_capacity(1 << 16);
        pretty(&mut buf, doc, 0);
        buf.push(b'\n');
        w.write_all(&buf)?;
        w.flush()?;
        self.files += 1;
        self.bytes += buf.len() as u64;
        Ok(())
    }
}

fn indent(buf: &mut Vec<u8>, depth: usize) {
    buf.push(b'\n');
    buf.resize(buf.len() + depth * 4, b' ');
}

fn pretty(buf: &mut Vec<u8>, v: &Value, depth: usize) {
    match v {
        Value::Array(items) if !items.is_empty() => {
            buf.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                indent(buf, depth + 1);
                pretty(buf, item, depth + 1);
            }
            indent(buf, depth);
            buf.push(b']');
        }
        Value::Object(map) if !map.is_empty() => {
            buf.push(b'{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                indent(buf, depth + 1);
                serde_json::to_writer(&mut *buf, k).expect("writing to a Vec cannot fail");
                buf.extend_from_slice(b": ");
                pretty(buf, item, depth + 1);
            }
            indent(buf, depth);
            buf.push(b'}');
        }
        // Scalars and empty containers print the same compact or pretty.
        _ => serde_json::to_writer(&mut *buf, v).expect("writing to a Vec cannot fail"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn layout_matches_python_indent_4() {
        let v = serde_json::json!({"a": [1, {"b": "x\"y"}], "c": [], "d": {}});
        let mut buf = Vec::new();
        super::pretty(&mut buf, &v, 0);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\n    \"a\": [\n        1,\n        {\n            \"b\": \"x\\\"y\"\n        }\n    ],\n    \"c\": [],\n    \"d\": {}\n}"
        );
    }
}
