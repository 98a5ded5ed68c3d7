//! A size-limited tmpfs of a test's own, to fill up on purpose (`mount -t tmpfs -o size=...`,
//! which needs root; CI runs as root). Unmounted on drop, so that a failing test leaves no mount
//! behind.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A mounted tmpfs of a fixed size, unmounted and deleted on drop.
#[derive(Debug)]
pub struct SmallFilesystem {
    dir: tempfile::TempDir,
}

/// Why no filesystem could be mounted (the test then prints `skipped` and passes).
#[derive(Debug, thiserror::Error)]
#[error("cannot mount a tmpfs: {0}")]
pub struct MountRefused(String);

/// The file that takes up the room a test wants gone.
const FILLER: &str = "filler";

impl SmallFilesystem {
    /// Mounts a tmpfs of `bytes` on a fresh temporary directory.
    pub fn mount(bytes: u64) -> Result<Self, MountRefused> {
        let dir = tempfile::Builder::new()
            .prefix("lookout-small-fs-")
            .tempdir()
            .map_err(|e| MountRefused(e.to_string()))?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes},mode=0755"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| MountRefused(e.to_string()))?;
        if !output.status.success() {
            return Err(MountRefused(String::from_utf8_lossy(&output.stderr).trim().to_owned()));
        }
        Ok(Self { dir })
    }

    /// Where the filesystem is mounted.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Bytes still free, as `df` would say.
    pub fn free_bytes(&self) -> u64 {
        let output = Command::new("df").args(["--output=avail", "-B1"]).arg(self.path()).output();
        output
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).lines().nth(1)?.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Writes a filler file that leaves about `leave` bytes free (or fills the disk, when less
    /// is free already). Returns the filler's size.
    pub fn fill_leaving(&self, leave: u64) -> std::io::Result<u64> {
        let wanted = self.free_bytes().saturating_sub(leave);
        let mut file = File::options().create(true).append(true).open(self.filler())?;
        let block = vec![0xA5_u8; 4096];
        let mut written = 0;
        while written < wanted {
            let chunk = usize::try_from((wanted - written).min(4096)).unwrap_or(4096);
            match file.write(&block[..chunk]) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC: full already
                Err(e) => return Err(e),
            }
        }
        file.sync_all()?;
        Ok(written)
    }

    /// Deletes the filler file: the room comes back.
    pub fn remove_filler(&self) -> std::io::Result<()> {
        std::fs::remove_file(self.filler())
    }

    fn filler(&self) -> PathBuf {
        self.path().join(FILLER)
    }
}

impl Drop for SmallFilesystem {
    fn drop(&mut self) {
        // Lazy: a process still holding a file there (a killed lookout) does not keep it mounted.
        let unmounted = Command::new("umount").arg("-l").arg(self.path()).status();
        if !unmounted.is_ok_and(|s| s.success()) {
            eprintln!("could not unmount {}", self.path().display());
        }
    }
}
