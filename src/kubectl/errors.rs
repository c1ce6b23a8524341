//! kubectl's errors, typed, and the one place where they become kubectl's words on stderr
//! (`cmdutil.CheckErr`, reference §5.6). Commands return or report an [`Error`]; nothing else
//! in the lab writes `Error from server (...)` or `error: ` itself.

use crate::sim::ApiError;

/// An error kubectl prints. Boxed, so that a `Result` that may carry one stays a pointer wide
/// (the page carries every move of it).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

/// What kind of error kubectl prints.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// An error from the API server; `during` is what kubectl was doing to which file
    /// (`error when creating "web.yaml": `).
    #[error("{}", api_error(.err, .during.as_ref().map(|(verb, file)| (verb.as_str(), file.as_str()))))]
    Api { err: ApiError, during: Option<(String, String)> },
    /// kubectl's own complaint, printed after `error: ` (`error: required resource not
    /// specified`; a usage hint may follow on the next lines).
    #[error("error: {0}")]
    Cli(String),
    /// What kubectl prints as it is: another program's words through it (`tar: ...` under
    /// `kubectl cp`), or a message that is not led by `error: `.
    #[error("{0}")]
    Text(String),
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Error {
        ErrorKind::Api { err, during: None }.into()
    }
}

impl From<&ApiError> for Error {
    fn from(err: &ApiError) -> Error {
        ErrorKind::Api { err: err.clone(), during: None }.into()
    }
}

impl Error {
    /// kubectl's own complaint (`error: ...`).
    pub fn cli(msg: impl Into<String>) -> Error {
        ErrorKind::Cli(msg.into()).into()
    }

    /// Words printed as they are.
    pub fn text(msg: impl Into<String>) -> Error {
        ErrorKind::Text(msg.into()).into()
    }

    /// An API error met while `verb` (`creating`, `applying patch`) the objects of `file`.
    pub fn during(err: &ApiError, verb: &str, file: &str) -> Error {
        ErrorKind::Api { err: err.clone(), during: Some((verb.to_string(), file.to_string())) }.into()
    }

    /// The API server's 400 with its message.
    pub fn bad_request(msg: impl Into<String>) -> Error {
        ErrorKind::Api { err: ApiError::BadRequest(msg.into()), during: None }.into()
    }

    /// `pods "web-9" not found` for an object of `resource` (its plural, qualified as kubectl
    /// names it).
    pub fn not_found(resource: impl Into<String>, name: impl Into<String>) -> Error {
        ErrorKind::Api { err: ApiError::NotFound { resource: resource.into(), name: name.into() }, during: None }.into()
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// The API server's error, when it is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self.kind() {
            ErrorKind::Api { err, .. } => Some(err),
            _ => None,
        }
    }

    /// A warning kubectl prints where it would print an error (`warning: ...`).
    pub fn is_warning(&self) -> bool {
        matches!(self.kind(), ErrorKind::Text(t) if t.starts_with("warning:"))
    }
}

/// The stderr text of an API error; `source` adds kubectl's `error when creating "<file>": `.
fn api_error(e: &ApiError, source: Option<(&str, &str)>) -> String {
    let prefix = source.map(|(verb, file)| format!("error when {verb} \"{file}\": ")).unwrap_or_default();
    match e {
        ApiError::NotFound { .. } => format!("Error from server (NotFound): {prefix}{e}"),
        ApiError::AlreadyExists { .. } => format!("Error from server (AlreadyExists): {prefix}{e}"),
        ApiError::BadRequest(m) => format!("Error from server (BadRequest): {prefix}{m}"),
        ApiError::Conflict(m) => format!("Error from server (Conflict): {prefix}{m}"),
        ApiError::Forbidden(m) => format!("Error from server (Forbidden): {prefix}{m}"),
        ApiError::RequestEntityTooLarge(_) => format!("Error from server (RequestEntityTooLarge): {prefix}{e}"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_read_as_the_server_sent_them() {
        let e = Error::not_found("pods", "web-9");
        assert_eq!(e.to_string(), "Error from server (NotFound): pods \"web-9\" not found");
        let e = Error::during(
            &ApiError::AlreadyExists { resource: "services".into(), name: "nginx".into() },
            "creating",
            "web.yaml",
        );
        assert_eq!(
            e.to_string(),
            "Error from server (AlreadyExists): error when creating \"web.yaml\": services \"nginx\" already exists"
        );
    }

    #[test]
    fn kubectls_own_errors_are_led_by_error() {
        assert_eq!(Error::cli("required resource not specified").to_string(), "error: required resource not specified");
    }

    #[test]
    fn several_causes_are_listed_one_a_line() {
        let causes = vec!["spec.replicas: Invalid value: -1".to_string(), "spec.selector: Required value".to_string()];
        assert_eq!(
            invalid("StatefulSet", "web", &causes),
            "The StatefulSet \"web\" is invalid: \n* spec.replicas: Invalid value: -1\n* spec.selector: Required value"
        );
    }
}
