//! A private certificate authority for HTTPS targets.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// A CA whose certificate a test's client trusts.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    certificate: CertificateDer<'static>,
    pem: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

impl TestCa {
    /// A fresh CA.
    pub fn new() -> Self {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, "lookout test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap_or_else(|e| panic!("CA key: {e}"));
        let certificate = params.self_signed(&key).unwrap_or_else(|e| panic!("CA cert: {e}"));
        let pem = certificate.pem();
        let certificate = certificate.der().clone();
        Self { issuer: Issuer::new(params, key), certificate, pem }
    }

    /// The CA certificate, to add to a client's roots.
    pub fn certificate(&self) -> CertificateDer<'static> {
        self.certificate.clone()
    }

    /// The CA certificate in PEM, for a client that reads a CA file.
    pub fn certificate_pem(&self) -> String {
        self.pem.clone()
    }

    /// A server configuration for `names` (DNS names or IPs), valid now or expired, with ALPN
    /// h2 and http/1.1.
    pub fn server_config(&self, names: &[&str], expired: bool) -> Arc<ServerConfig> {
        let now = OffsetDateTime::now_utc();
        if expired {
            self.leaf_config(names, now - Duration::days(30), now - Duration::days(1))
        } else {
            self.leaf_config(names, now - Duration::days(1), now + Duration::days(30))
        }
    }

    /// A server configuration for `names` whose certificate expires `days` whole days from
    /// now (and an hour), as a certificate near its end would.
    pub fn server_config_expiring_in(&self, names: &[&str], days: i64) -> Arc<ServerConfig> {
        let now = OffsetDateTime::now_utc();
        self.leaf_config(
            names,
            now - Duration::days(1),
            now + Duration::days(days) + Duration::hours(1),
        )
    }

    fn leaf_config(
        &self,
        names: &[&str],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Arc<ServerConfig> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params =
            CertificateParams::new(names).unwrap_or_else(|e| panic!("leaf params: {e}"));
        params.not_before = not_before;
        params.not_after = not_after;
        let key = KeyPair::generate().unwrap_or_else(|e| panic!("leaf key: {e}"));
        let leaf = params.signed_by(&key, &self.issuer).unwrap_or_else(|e| panic!("leaf: {e}"));
        let chain = vec![leaf.der().clone(), self.certificate.clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
            .unwrap_or_else(|e| panic!("server config: {e}"));
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}
