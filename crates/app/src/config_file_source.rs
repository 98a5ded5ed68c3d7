//! The owned config file as the `config-file` job reads it: the file's text, `${NAME}` from
//! this process's environment, and the API's document format (errors placed by line and
//! column).

use std::path::PathBuf;

use lookout_domain::IntervalBounds;
use lookout_jobs::{DocumentSource, SourceDocument};

use crate::env_text::substitute;

/// A document file on disk.
#[derive(Debug)]
pub(crate) struct FileSource {
    path: PathBuf,
    /// The name its problems are placed in (`sites.yaml:4:5: …`).
    name: String,
    bounds: IntervalBounds,
}

impl FileSource {
    pub(crate) fn new(path: PathBuf, name: String, bounds: IntervalBounds) -> Self {
        Self { path, name, bounds }
    }
}

impl DocumentSource for FileSource {
    fn read(&self) -> Result<String, String> {
        std::fs::read_to_string(&self.path)
            .map_err(|error| format!("{}: cannot read it: {error}", self.path.display()))
    }

    fn parse(&self, text: &str) -> Result<SourceDocument, Vec<String>> {
        let name = self.name.clone();
        let text = substitute(text, |var| std::env::var(var).ok())
            .map_err(|problem| vec![format!("{name}: {problem}")])?;
        let format = lookout_http::DocumentFormat::of_file(&self.name);
        match lookout_http::parse_document(&text, format, self.bounds) {
            Ok(lookout_http::ParsedDocument { document, places }) => {
                let place = Box::new(move |problem: &_| places.locate(problem).describe(&name));
                Ok(SourceDocument { document, place })
            }
            Err(errors) => Err(errors.iter().map(|e| e.describe(&self.name)).collect()),
        }
    }
}
