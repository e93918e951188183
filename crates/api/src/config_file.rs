//! `newsdesk.toml`: settings from a file, beneath the environment and the flags.
//!
//! Each key is a [`Config`] field name (`database_url = "…"`). Before clap parses the command
//! line, every key whose `NEWSDESK_*` variable is unset is put into the environment, so clap
//! itself applies the precedence flags > environment > file > defaults, and validates file
//! values exactly as it validates the others.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use toml::Spanned;

use crate::config::Config;

/// The file read when neither `--config` nor `NEWSDESK_CONFIG` names one.
pub const DEFAULT_PATH: &str = "newsdesk.toml";
/// The variable naming the file.
pub const CONFIG_ENV: &str = "NEWSDESK_CONFIG";

/// One setting of [`Config`]: its key (field name), variable, and whether it is a secret.
#[derive(Debug, Clone)]
pub struct Setting {
    pub key: String,
    pub env: String,
    pub secret: bool,
    /// A flag without a value (`--dev`); its file value must be a boolean.
    pub switch: bool,
}

/// Every setting, read from clap's own description of [`Config`], so none can be missed.
pub fn settings() -> Vec<Setting> {
    let command = Config::augment_args(clap::Command::new("newsdesk"));
    command
        .get_arguments()
        .filter_map(|arg| {
            let env = arg.get_env()?.to_string_lossy().into_owned();
            Some(Setting {
                key: arg.get_id().to_string(),
                env,
                secret: arg.is_hide_env_values_set(),
                switch: !arg.get_action().takes_values(),
            })
        })
        .collect()
}

/// The file chosen by `--config FILE` (or `--config=FILE`) among `args`, else `NEWSDESK_CONFIG`,
/// else `./newsdesk.toml` when it exists. The flag is read before clap runs because the file
/// must be in the environment by then.
pub fn locate(args: &[OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    if let Some(path) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    Path::new(DEFAULT_PATH).is_file().then(|| PathBuf::from(DEFAULT_PATH))
}

/// The settings a file gave, by key, as the text clap will parse.
#[derive(Debug, Default, Clone)]
pub struct FileValues {
    pub path: Option<PathBuf>,
    pub values: BTreeMap<String, String>,
}

/// Reads `path` and checks every key is a setting with a value of a usable type. Errors name
/// the file, the line and the key.
pub fn read(path: &Path) -> anyhow::Result<FileValues> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading the config file {}", path.display()))?;
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> anyhow::Result<FileValues> {
    let shown = path.display();
    let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
        toml::from_str(text).map_err(|e| anyhow::anyhow!("{shown}: not valid TOML: {e}"))?;
    let known = settings();
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let line = line_of(key.span().start);
        let Some(setting) = known.iter().find(|s| s.key == *key.get_ref()) else {
            let keys: Vec<&str> = known.iter().map(|s| s.key.as_str()).collect();
            bail!("{shown}:{line}: unknown setting `{}`; the settings are: {}", key.get_ref(), keys.join(", "));
        };
        let text = match (value.get_ref(), setting.switch) {
            (toml::Value::Boolean(b), _) => b.to_string(),
            (_, true) => bail!("{shown}:{line}: `{}` must be true or false", setting.key),
            (toml::Value::String(s), false) => s.clone(),
            (toml::Value::Integer(i), false) => i.to_string(),
            (toml::Value::Float(f), false) => f.to_string(),
            _ => bail!("{shown}:{line}: `{}` must be a string or a number", setting.key),
        };
        values.insert(setting.key.clone(), text);
    }
    Ok(FileValues { path: Some(path.to_owned()), values })
}

/// Loads the file [`locate`] finds (if any) into the environment, under variables that are not
/// set already. Call once, at the start of `main`, before any thread is started.
pub fn apply(args: &[OsString]) -> anyhow::Result<FileValues> {
    let Some(path) = locate(args) else {
        return Ok(FileValues::default());
    };
    let mut file = read(&path)?;
    let settings = settings();
    file.values.retain(|key, value| {
        let Some(setting) = settings.iter().find(|s| &s.key == key) else { return false };
        // clap takes an empty variable as unset, and so does the file.
        if std::env::var_os(&setting.env).is_some_and(|v| !v.is_empty()) {
            return false;
        }
        std::env::set_var(&setting.env, value);
        true
    });
    Ok(file)
}

/// Where a setting's effective value came from.
pub fn source_of(matches: &ArgMatches, file: &FileValues, key: &str) -> &'static str {
    match matches.value_source(key) {
        Some(ValueSource::CommandLine) => "flag",
        Some(ValueSource::EnvVariable) if file.values.contains_key(key) => "file",
        Some(ValueSource::EnvVariable) => "env",
        Some(ValueSource::DefaultValue) => "default",
        _ => "unset",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_an_unknown_key_and_its_line() {
        let err = parse(Path::new("n.toml"), "bind = \"127.0.0.1:1\"\n\ndatabse_url = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("n.toml:3: unknown setting `databse_url`"), "{err}");
    }

    #[test]
    fn a_switch_needs_a_boolean() {
        let err = parse(Path::new("n.toml"), "dev = \"yes\"\n").unwrap_err();
        assert!(err.to_string().contains("`dev` must be true or false"), "{err}");
        assert_eq!(parse(Path::new("n.toml"), "dev = true\ndb_pool_size = 3").unwrap().values["db_pool_size"], "3");
    }

    #[test]
    fn every_setting_has_a_flag_and_a_variable() {
        let all = settings();
        assert!(all.len() >= 10);
        assert!(all.iter().all(|s| s.env.starts_with("NEWSDESK_")));
        assert!(all.iter().any(|s| s.key == "jwt_secret" && s.secret));
    }
}
