//! The rustls client configuration: bundled web roots (plus configured extras), ring as the
//! crypto provider (chosen explicitly, so no process-wide default is needed), ALPN h2 + http/1.1
//! (or http/1.1 alone when HTTP/2 is switched off).

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    #[error("cannot read CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("cannot build the TLS configuration")]
    Protocols(#[source] rustls::Error),
    #[error("an extra root certificate is invalid")]
    ExtraRoot(#[source] rustls::Error),
}

/// Reads every certificate of a PEM file (a private CA to trust besides the web roots).
pub fn load_ca_file(
    path: &std::path::Path,
) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    use rustls::pki_types::pem::PemObject;
    let error =
        |reason: String| TlsConfigError::CaFile { path: path.display().to_string(), reason };
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| error(e.to_string()))?;
    if certificates.is_empty() {
        return Err(error("no certificate in it".into()));
    }
    Ok(certificates)
}

pub(crate) fn client_config(
    extra_roots: &[CertificateDer<'static>],
    http2: bool,
) -> Result<Arc<ClientConfig>, TlsConfigError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for root in extra_roots {
        roots.add(root.clone()).map_err(TlsConfigError::ExtraRoot)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsConfigError::Protocols)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols =
        if http2 { vec![b"h2".to_vec(), b"http/1.1".to_vec()] } else { vec![b"http/1.1".to_vec()] };
    Ok(Arc::new(config))
}
