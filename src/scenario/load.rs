//! Loading scenario files (STUB: being written).
use std::path::Path;

use super::{Scenario, ScenarioError};

/// Reads and validates the scenario at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let src = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        field: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse(&src, path)
}

/// Parses and validates scenario text; `source` names it in errors.
pub fn parse(_src: &str, _source: &Path) -> Result<Scenario, ScenarioError> {
    unimplemented!("scenario loader")
}
