//! How kubectl prints API errors (`cmdutil.CheckErr`, reference §5.6).

use crate::sim::ApiError;

/// The stderr text of an API error; `source` adds kubectl's `error when creating "<file>": `.
pub fn api_error(e: &ApiError, source: Option<(&str, &str)>) -> String {
    let prefix = source.map(|(verb, file)| format!("error when {verb} \"{file}\": ")).unwrap_or_default();
    match e {
        ApiError::NotFound { .. } => format!("Error from server (NotFound): {prefix}{e}"),
        ApiError::AlreadyExists { .. } => format!("Error from server (AlreadyExists): {prefix}{e}"),
        ApiError::BadRequest(m) => format!("Error from server (BadRequest): {prefix}{m}"),
        ApiError::Conflict(m) => format!("Error from server (Conflict): {prefix}{m}"),
        ApiError::Forbidden(m) => format!("Error from server (Forbidden): {prefix}{m}"),
        ApiError::Invalid { kind, name, causes } => invalid(kind, name, causes),
    }
}

/// `The StatefulSet "web" is invalid: <cause>`, or one `* cause` line each when there are several.
pub fn invalid(kind: &str, name: &str, causes: &[String]) -> String {
    let head = if kind.is_empty() && name.is_empty() {
        "The request is invalid".to_string()
    } else {
        format!("The {kind} \"{name}\" is invalid")
    };
    match causes {
        [one] => format!("{head}: {one}"),
        many => {
            let mut s = format!("{head}: \n");
            for c in many {
                s.push_str(&format!("* {c}\n"));
            }
            s.trim_end().to_string()
        }
    }
}
