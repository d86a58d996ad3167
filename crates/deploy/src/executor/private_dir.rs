//! The private folder the environment's files are rendered into: `0700`,
//! named `<PRIVATE_PREFIX><executor pid>-<nanos>` in the temporary folder,
//! removed on every exit path the executor lives through (success, failure,
//! cancel, a terminating signal, a panic), by the caller when the executor
//! dies, and — after a crash of both — by the next deploy, which sweeps
//! the folders of executors that no longer run.

use std::path::PathBuf;

pub const PRIVATE_PREFIX: &str = "smaqit-deploy-";

pub struct PrivateDir(pub PathBuf);

impl PrivateDir {
    pub fn create() -> std::io::Result<PrivateDir> {
        use std::os::unix::fs::DirBuilderExt;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("{}{}-{nanos}", PRIVATE_PREFIX, std::process::id()));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(PrivateDir(dir))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes the private folders of the executor with process id `pid`.
pub fn remove_private_dirs(pid: u32) {
    remove_where(|owner| owner == pid);
}

/// Removes the private folders, owned by this user, of executors that no
/// longer run.
pub fn sweep_stale() {
    remove_where(|owner| {
        // SAFETY: kill(2) with signal 0 only asks whether the process exists.
        let r = unsafe { libc::kill(owner as i32, 0) };
        r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    });
}

fn remove_where(pred: impl Fn(u32) -> bool) {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid(2) has no preconditions.
    let me = unsafe { libc::getuid() };
    let Ok(rd) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(owner) = name.strip_prefix(PRIVATE_PREFIX).and_then(|r| r.split('-').next()?.parse::<u32>().ok())
        else {
            continue;
        };
        let mine = e.metadata().is_ok_and(|m| m.is_dir() && m.uid() == me);
        if mine && pred(owner) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}
