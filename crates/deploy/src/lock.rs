//! One deploy per project at a time, whoever starts it (the command line,
//! an editor, an agent): an advisory lock on `.smaqit/run/deploy.lock`,
//! which the kernel releases when the holder exits, however it exits.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

/// Held while a deploy of the project runs; released when dropped.
#[derive(Debug)]
pub struct ProjectLock {
    _file: File,
}

impl ProjectLock {
    /// Takes the project's deploy lock, or says that a deploy is running.
    pub fn acquire(root: &Path) -> Result<ProjectLock, String> {
        let dir = root.join(".smaqit/run");
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join("deploy.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        // SAFETY: flock(2) on a descriptor this function owns.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r != 0 {
            return Err("a deploy of this project is already running".into());
        }
        Ok(ProjectLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time() {
        let root = std::env::temp_dir().join(format!("smaqit-lock-{}", std::process::id()));
        std::fs::create_dir_all(root.join(".smaqit")).unwrap();
        let first = ProjectLock::acquire(&root).expect("free");
        assert!(ProjectLock::acquire(&root).is_err(), "held");
        drop(first);
        assert!(ProjectLock::acquire(&root).is_ok(), "released on drop");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
