//! `ClientAddress`: the client a request comes from, as every per-client limit counts it (sign-in
//! attempts, invitation accepts, unauthenticated sync sockets). It trusts a forwarding header only
//! when the operator named one (`--client-address-header`).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::state::AppState;

/// The network address of the client making the request, which attempt limits are kept by: the
/// peer's, or the one a trusted reverse proxy wrote in the configured header (the header's last
/// value, the one the proxy appended). Without either (a router served without connection
/// info), every request shares the unspecified address: limits still hold, for everyone at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .accounts
            .client_address_header()
            .and_then(|name| parts.headers.get(name))
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| last.trim().parse::<IpAddr>().ok());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(Self(
            forwarded
                .or(peer)
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}
