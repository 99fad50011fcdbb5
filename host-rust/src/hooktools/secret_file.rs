//! A secret's content handed to `secret-add` and `secret-set`: never on a command line, but in
//! a private temporary file (the [`tempfile`] crate: a fresh name, created exclusively, mode
//! 0600 on Unix) that is removed when the [`SecretFile`] is dropped, right after the call.

use super::HookToolsError;
use std::io::Write;
use std::path::Path;
use tempfile::NamedTempFile;

/// A secret's content as a JSON (hence YAML) map, in a private file, for the `--file` of a
/// hook tool. Removed on drop.
#[derive(Debug)]
pub(super) struct SecretFile(NamedTempFile);

impl SecretFile {
    /// Write the content for a tool (the tool is named in the error if it cannot be written).
    pub(super) fn write(tool: &str, content: &[(String, String)]) -> Result<Self, HookToolsError> {
        let error = |source| HookToolsError::TempFile {
            tool: tool.to_owned(),
            source,
        };
        let mut file = tempfile::Builder::new()
            .prefix("data-interfaces-")
            .suffix(".yaml")
            .tempfile()
            .map_err(error)?;
        file.write_all(&content_json(content)).map_err(error)?;
        file.flush().map_err(error)?;
        Ok(SecretFile(file))
    }

    /// The file's path, for the tool's command line.
    pub(super) fn path(&self) -> &Path {
        self.0.path()
    }
}

/// A secret's content as a JSON map of strings (valid YAML).
fn content_json(content: &[(String, String)]) -> Vec<u8> {
    let map: serde_json::Map<String, serde_json::Value> = content
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_content_files_are_json_maps() {
        let bytes = content_json(&[("password".to_owned(), "a \"q\"\n".to_owned())]);
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["password"], "a \"q\"\n");
    }

    #[test]
    fn a_secret_file_is_readable_by_its_owner_only_and_gone_once_dropped() {
        let file =
            SecretFile::write("secret-add", &[("password".to_owned(), "pw".to_owned())]).unwrap();
        let path = file.path().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, r#"{"password":"pw"}"#);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }
        drop(file);
        assert!(!path.exists());
    }
}
