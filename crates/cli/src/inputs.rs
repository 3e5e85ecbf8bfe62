//! Reading the files a command names: `-` is standard input; bytes that are not UTF-8 are an
//! error naming the file, line and column; a file that cannot be read names the file and why.

use std::io::Read;

/// One input file's name and text.
pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) text: String,
}

/// Reads every named file, or says which one failed and why.
pub(crate) fn read_all(files: &[String]) -> Result<Vec<Source>, String> {
    files.iter().map(|file| read(file)).collect()
}

/// The bytes of a file, or of standard input for `-`.
pub(crate) fn read_bytes(file: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let result = if file == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(file)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map(|_| ())
    };
    result.map_err(|error| format!("cannot read {file}: {error}"))?;
    Ok(bytes)
}

fn read(file: &str) -> Result<Source, String> {
    let bytes = read_bytes(file)?;
    let name = if file == "-" {
        "<stdin>".to_string()
    } else {
        file.to_string()
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { name, text }),
        Err(error) => {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(format!(
                "{name}:{line}:{column}: the file is not valid UTF-8 text; save it as UTF-8"
            ))
        }
    }
}

/// True when standard output may be coloured: it is a terminal and `NO_COLOR` is unset.
pub(crate) fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && !no_color()
}

/// True when standard error may be coloured: it is a terminal and `NO_COLOR` is unset.
pub(crate) fn color_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && !no_color()
}

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}
