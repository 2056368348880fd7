//! SDK errors mapped to orgsim's [`ApiError`]: one line, the causes in plain words.

use std::sync::atomic::Ordering;

use aws_sdk_organizations::config::http::HttpResponse;
use aws_sdk_organizations::error::{ProvideErrorMetadata, SdkError};

use super::limits::{timeout_s, MAX_BODY};
use crate::org::types::{ApiError, ConstraintViolationReason, ErrorCode};

/// An error and its causes in plain words on one line ("a: b: c"), each cause once, control
/// characters escaped: not the SDK's debug dump.
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(text)) {
            parts.push(text.to_string());
        }
        cur = err.source();
    }
    crate::text::clean_line(&parts.join(": ")).into_owned()
}

/// The deepest cause of `e` (e.g. "Connection refused (os error 111)"), control characters
/// escaped.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    crate::text::clean_line(&cur.to_string()).into_owned()
}

/// True when `e` or one of its causes is a body over the cap.
fn body_over_cap(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Maps an SDK error to orgsim's error type. `reason` extracts a ConstraintViolationException's
/// `Reason` from the operation's typed error. The message is one line.
pub(crate) fn map_error<E>(
    e: SdkError<E, HttpResponse>,
    reason: impl Fn(&E) -> Option<String>,
) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let other = |code: &str, message: String| ApiError::new(ErrorCode::Other(code.into()), message);
    match &e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            let message = crate::text::clean_line(err.message().unwrap_or_default()).into_owned();
            let code = match err.code() {
                Some("ConstraintViolationException") => {
                    ErrorCode::ConstraintViolationException(ConstraintViolationReason::parse(
                        &reason(err).unwrap_or_else(|| "UNKNOWN".into()),
                    ))
                }
                Some(c) => ErrorCode::parse(&crate::text::clean_line(c)),
                None => {
                    // No code: an unmodeled answer (e.g. an HTML 500 page).
                    if se.raw().status().is_server_error() {
                        ErrorCode::ServiceException
                    } else {
                        ErrorCode::Other("UnknownError".into())
                    }
                }
            };
            let message = if message.is_empty() {
                format!("HTTP {} without a message", se.raw().status().as_u16())
            } else {
                message
            };
            ApiError::new(code, message)
        }
        SdkError::TimeoutError(_) => other(
            "RequestTimeout",
            format!(
                "the call did not complete within the operation timeout ({}, --operation-timeout)",
                timeout_s(2)
            ),
        ),
        SdkError::ResponseError(r) => {
            if body_over_cap(&e) {
                return other(
                    "ResponseTooLarge",
                    format!(
                        "the answer's body is larger than {} bytes (orgsim's cap on a response)",
                        MAX_BODY.load(Ordering::Relaxed)
                    ),
                );
            }
            // An answer the SDK could not parse (e.g. an HTML 500 page).
            if r.raw().status().is_server_error() {
                ApiError::new(
                    ErrorCode::ServiceException,
                    format!("HTTP {} that is not an AWS answer: {}", r.raw().status().as_u16(), causes(&e)),
                )
            } else {
                other(
                    "UnparseableResponse",
                    format!(
                        "HTTP {} that is not an AWS answer: {}",
                        r.raw().status().as_u16(),
                        causes(&e)
                    ),
                )
            }
        }
        SdkError::DispatchFailure(d) if d.is_timeout() => other(
            "RequestTimeout",
            format!(
                "no answer within the connect timeout ({}, --connect-timeout) or the read timeout ({}, --read-timeout): {}",
                timeout_s(0),
                timeout_s(1),
                causes(&e)
            ),
        ),
        SdkError::DispatchFailure(d) if d.is_io() => other(
            "RequestDispatchFailure",
            format!("cannot connect or send the request: {}", root_cause(&e)),
        ),
        SdkError::DispatchFailure(_) => other("RequestDispatchFailure", causes(&e)),
        _ => other("SdkError", causes(&e)),
    }
}
