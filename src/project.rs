//! One way into a run: what the user asked for (paths, `--config` / `--no-config`, standard
//! input) → the configuration in force and the files to read.
//!
//! Every entry point resolves its inputs here: `check`, `plan`, `apply`, `export` and the
//! language server. So configuration discovery, `include` (checked when no path is given),
//! `exclude` (never read), `context` (always loaded, not reported) and the errors of walking
//! paths behave the same everywhere. Sits between `config` / `walk` and `lint`: it decides
//! *what* is read; `lint` reads and checks it.

use std::io;
use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::custom::CustomRules;
use crate::lint::{Input, Settings};
use crate::rules;
use crate::selection::Selection;
use crate::walk;
use std::sync::Arc;

/// Which configuration applies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The closest `mamlint.toml` at or above the root.
    #[default]
    Discover,
    /// This file (`--config FILE`).
    File(PathBuf),
    /// None (`--no-config`).
    Disabled,
}

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct ProjectOptions {
    /// Where configuration discovery starts; the default path to check; what paths are shown
    /// relative to. The working directory on the command line, the workspace root in an editor.
    pub root: PathBuf,
    /// Paths given; `-` is standard input. Empty: `include` of the configuration, else `root`.
    pub paths: Vec<String>,
    pub config: ConfigChoice,
    /// The name standard input is read as (decides YAML or JSON).
    pub stdin_filename: Option<String>,
    /// Name files by absolute path (the language server, which speaks in URIs) rather than
    /// relative to `root` (the command line, whose output people read).
    pub absolute_paths: bool,
}

impl ProjectOptions {
    /// A command-line request: root is the working directory.
    pub fn command_line(paths: Vec<String>, config: ConfigChoice) -> io::Result<ProjectOptions> {
        Ok(ProjectOptions {
            root: std::env::current_dir()?,
            paths,
            config,
            stdin_filename: None,
            absolute_paths: false,
        })
    }
}

/// A problem that stops a run before any file is read (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot read configuration {}: {source}", path.display())]
    Config { path: PathBuf, source: io::Error },
    #[error("cannot read standard input: {0}")]
    Stdin(io::Error),
}

/// The resolved run: configuration and inputs.
#[derive(Debug)]
pub struct Project {
    pub config: Option<Config>,
    /// The Rego rules of the configuration's `[custom-rules]` (spec 10).
    pub custom: Arc<CustomRules>,
    /// Checked files (from the paths), then context files, without excluded ones.
    pub inputs: Vec<Input>,
    /// Paths that could not be walked or do not exist, as `path: reason` (exit code 2).
    pub errors: Vec<String>,
    /// Whether `-` (standard input) was among the paths.
    pub reads_stdin: bool,
    /// The paths that were checked, as shown (after `include` and the default).
    pub paths: Vec<String>,
}

impl Project {
    /// Resolves a request. `stdin` is called only when `-` is among the paths.
    pub fn open(
        request: &ProjectOptions,
        stdin: impl FnOnce() -> io::Result<Vec<u8>>,
    ) -> Result<Project, ProjectError> {
        let (config, custom) = load_config(request)?;
        let paths: Vec<String> = if !request.paths.is_empty() {
            request.paths.clone()
        } else if let Some(include) = config
            .as_ref()
            .map(|c| &c.include)
            .filter(|i| !i.is_empty())
        {
            include.iter().map(|p| display(request, p)).collect()
        } else if request.absolute_paths {
            vec![request.root.to_string_lossy().into_owned()]
        } else {
            vec![".".to_owned()]
        };
        let reads_stdin = paths.iter().any(|p| p == "-");
        let mut inputs = Vec::new();
        if reads_stdin {
            let bytes = stdin().map_err(ProjectError::Stdin)?;
            let name = request.stdin_filename.as_deref().unwrap_or("-");
            inputs.push(Input::memory(name, bytes));
        }
        let file_paths: Vec<&str> = paths
            .iter()
            .map(String::as_str)
            .filter(|p| *p != "-")
            .collect();
        let (candidates, mut errors) = discover(request, &file_paths);
        errors.extend(custom.errors.iter().cloned());
        inputs.extend(candidates.into_iter().map(Input::disk));
        if let Some(config) = &config {
            let context: Vec<String> = config.context.iter().map(|p| display(request, p)).collect();
            let context: Vec<&str> = context.iter().map(String::as_str).collect();
            let (candidates, context_errors) = discover(request, &context);
            errors.extend(context_errors);
            inputs.extend(candidates.into_iter().map(|c| Input::context(c.path)));
        }
        if let Some(config) = &config {
            inputs.retain(|input| {
                input.candidate.path == "-"
                    || request.stdin_filename.as_deref() == Some(input.candidate.path.as_str())
                    || !config.is_excluded(&absolute(request, &input.candidate.path))
            });
        }
        Ok(Project {
            config,
            custom: Arc::new(custom),
            inputs,
            errors,
            reads_stdin,
            paths,
        })
    }

    /// The lint settings of this project with a command-line selection (which replaces the
    /// configuration's `[rules]` when not empty).
    pub fn settings(&self, selection: Selection) -> Settings {
        Settings {
            selection,
            config: self.config.clone(),
            custom: self.custom.clone(),
        }
    }
}

/// The custom rules of the configuration a request resolves to, without walking any path
/// (`mamlint rule`, `mamlint test-rules`).
pub fn custom_rules(request: &ProjectOptions) -> Result<Arc<CustomRules>, ProjectError> {
    load_config(request).map(|(_, custom)| Arc::new(custom))
}

/// The configuration and its custom rules. Rule patterns may name custom rules, which are
/// known only once their Rego files are read: the configuration is then read again, checked
/// against the built-in and the custom rules.
fn load_config(request: &ProjectOptions) -> Result<(Option<Config>, CustomRules), ProjectError> {
    let path = match &request.config {
        ConfigChoice::Disabled => return Ok((None, CustomRules::default())),
        ConfigChoice::File(path) => request.root.join(path),
        ConfigChoice::Discover => match config::discover(&request.root) {
            Some(path) => path,
            None => return Ok((None, CustomRules::default())),
        },
    };
    let error = |source| ProjectError::Config {
        path: path.clone(),
        source,
    };
    let config = Config::load(&path, rules::metas()).map_err(error)?;
    if config.custom_rules.paths.is_empty() {
        return Ok((Some(config), CustomRules::default()));
    }
    let custom = crate::custom::load(&config.custom_rules);
    let config = if custom.metas().is_empty() {
        config
    } else {
        Config::load(&path, &custom.known_metas()).map_err(error)?
    };
    Ok((Some(config), custom))
}

/// A path as the run names it: relative to the root on the command line, absolute in the
/// language server.
fn display(request: &ProjectOptions, path: &Path) -> String {
    let shown = if request.absolute_paths {
        path
    } else {
        path.strip_prefix(&request.root).unwrap_or(path)
    };
    let text = shown.to_string_lossy();
    if text.is_empty() {
        ".".to_owned()
    } else {
        text.into_owned()
    }
}

/// Walks paths given relative to the root. Files are named as the path was given (with what
/// the walk found below it), or absolutely for the language server. On the command line the
/// root is the working directory, so a relative name is also a path the linter can open.
fn discover(request: &ProjectOptions, given: &[&str]) -> (Vec<walk::Candidate>, Vec<String>) {
    let mut candidates = Vec::new();
    let mut errors = Vec::new();
    for path in given {
        let walked = request.root.join(path).to_string_lossy().into_owned();
        let (found, walk_errors) = walk::discover(std::slice::from_ref(&walked));
        let rename = |text: &str| -> String {
            match text.strip_prefix(walked.as_str()) {
                Some(rest) if !request.absolute_paths => {
                    let joined = format!("{path}{rest}");
                    joined.strip_prefix("./").unwrap_or(&joined).to_owned()
                }
                _ => text.to_owned(),
            }
        };
        candidates.extend(found.into_iter().map(|c| walk::Candidate {
            path: rename(&c.path),
            explicit: c.explicit,
        }));
        errors.extend(walk_errors.iter().map(|e| rename(e)));
    }
    candidates.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    candidates.dedup_by(|later, earlier| later.path == earlier.path);
    (candidates, errors)
}

fn absolute(request: &ProjectOptions, path: &str) -> String {
    request.root.join(path).to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn request(root: &Path, paths: &[&str], config: ConfigChoice) -> ProjectOptions {
        ProjectOptions {
            root: root.to_path_buf(),
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            config,
            stdin_filename: None,
            absolute_paths: false,
        }
    }

    fn no_stdin() -> io::Result<Vec<u8>> {
        panic!("standard input read without `-`")
    }

    fn paths(project: &Project) -> Vec<(String, crate::model::Role)> {
        project
            .inputs
            .iter()
            .map(|i| {
                let relative = Path::new(&i.candidate.path)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (relative, i.role)
            })
            .collect()
    }

    #[test]
    fn include_exclude_and_context_come_from_the_configuration() {
        use crate::model::Role;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "mamlint.toml",
            "include = [\"policies\"]\nexclude = [\"policies/drafts/**\"]\ncontext = [\"org\"]\n",
        );
        write(root, "policies/a.yaml", "a: 1\n");
        write(root, "policies/drafts/b.yaml", "b: 1\n");
        write(root, "org/org.yaml", "c: 1\n");
        write(root, "elsewhere/d.yaml", "d: 1\n");
        let project = Project::open(&request(root, &[], ConfigChoice::Discover), no_stdin).unwrap();
        assert_eq!(
            paths(&project),
            [
                ("a.yaml".to_owned(), Role::Checked),
                ("org.yaml".to_owned(), Role::Context)
            ]
        );
        assert_eq!(project.paths, ["policies"]);
        assert!(project.errors.is_empty(), "{:?}", project.errors);

        let project =
            Project::open(&request(root, &["."], ConfigChoice::Disabled), no_stdin).unwrap();
        assert_eq!(project.inputs.len(), 4, "--no-config reads everything");

        let explicit = ConfigChoice::File(PathBuf::from("elsewhere.toml"));
        write(root, "elsewhere.toml", "exclude = [\"elsewhere\"]\n");
        let project = Project::open(&request(root, &["."], explicit), no_stdin).unwrap();
        assert_eq!(
            project.inputs.len(),
            3,
            "--config FILE applies that file's exclude"
        );
    }

    #[test]
    fn walk_errors_and_a_missing_configuration_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "mamlint.toml", "context = [\"org\"]\n");
        write(root, "org/org.yaml", "c: 1\n");
        let project = Project::open(
            &request(root, &["missing.yaml"], ConfigChoice::Discover),
            no_stdin,
        )
        .unwrap();
        assert_eq!(project.errors.len(), 1);
        assert!(
            project.errors[0].starts_with("missing.yaml: "),
            "{:?}",
            project.errors
        );

        let missing = ConfigChoice::File(PathBuf::from("nowhere.toml"));
        let error = Project::open(&request(root, &["."], missing), no_stdin).unwrap_err();
        assert!(matches!(error, ProjectError::Config { .. }), "{error}");
    }

    #[test]
    fn standard_input_is_read_once_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut request = request(dir.path(), &["-"], ConfigChoice::Disabled);
        request.stdin_filename = Some("policy.yaml".to_owned());
        let project = Project::open(&request, || Ok(b"a: 1\n".to_vec())).unwrap();
        assert!(project.reads_stdin);
        assert_eq!(project.inputs.len(), 1);
        assert_eq!(project.inputs[0].candidate.path, "policy.yaml");
    }
}
