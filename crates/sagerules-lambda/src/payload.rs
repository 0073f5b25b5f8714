//! Fetches a hook's template payload: the S3 presigned URL of a `STACK` or `CHANGE_SET` hook
//! request. One GET with a deadline and a size bound, on the HTTP/TLS stack the AWS SDK
//! clients already use (hyper 1 + rustls with ring, the system's root certificates).

use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The most bytes read: a template is at most 1 MB, and the payload holds it and the previous
/// one (or the changed resources).
pub const MAX_PAYLOAD: usize = 4 * 1024 * 1024;

/// Time allowed for the whole GET: the hook waits 30 seconds for the answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The body at `url`, or why it could not be read.
pub async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    tokio::time::timeout(TIMEOUT, get(url))
        .await
        .map_err(|_| format!("no answer within {} seconds", TIMEOUT.as_secs()))?
}

async fn get(url: &str) -> Result<Vec<u8>, String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| format!("no root certificates: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Empty<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let response = client.get(uri).await.map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let body = Limited::new(response.into_body(), MAX_PAYLOAD)
        .collect()
        .await
        .map_err(|e| format!("reading the body: {e}"))?;
    Ok(body.to_bytes().to_vec())
}
