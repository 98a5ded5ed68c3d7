//! The stop signal every apalis `Monitor` here runs until: the watch channel turning true (or
//! its sender being dropped).

use tokio::sync::watch;

pub(crate) async fn stopped(mut stop: watch::Receiver<bool>) -> std::io::Result<()> {
    while !*stop.borrow() {
        if stop.changed().await.is_err() {
            break;
        }
    }
    Ok(())
}
