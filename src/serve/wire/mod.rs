//! The AWS JSON 1.1 wire format of Organizations, as `orgsim serve` speaks it: a request body
//! (the operation named by `X-Amz-Target`) into a [`Request`], checked against the service
//! model's constraints (`botocore/data/organizations/2016-11-28/service-2.json`), and a
//! [`Response`] or an [`ApiError`] into the JSON body AWS sends. Pure: no I/O, no clock (the
//! timestamps are handed in).

mod decode;
mod encode;
mod page;

#[cfg(test)]
mod tests;

pub use decode::SERVED;
pub(crate) use decode::{decode, description, states_filter, Call, Refusal, TARGET_PREFIX};
pub(crate) use encode::{encode, error, scp_enabled, Times};
pub(crate) use page::{Page, MAX_RESULTS};
