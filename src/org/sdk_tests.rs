//! The error mapping, checked through the real SDK client and aws-smithy-mocks.
