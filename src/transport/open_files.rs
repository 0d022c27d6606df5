//! Each connection is an open file. A soft limit of 1,024 (a common
//! default) would make the listener fail to accept before
//! --http-max-connections is reached, locking everyone out; the hard limit
//! is the one the administrator meant, so the soft one is raised to it.

/// Raises the soft limit on open files to the hard one; returns the soft
/// limit now in force, if it could be read.
pub fn raise_open_files() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write the struct given, nothing else.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return None;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                return Some(raised.rlim_cur);
            }
        }
    }
    Some(lim.rlim_cur)
}
