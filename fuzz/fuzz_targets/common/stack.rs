//! Runs a fuzz input on a thread with a tokio worker's stack (2 MiB), not
//! the main thread's 8 MiB: recursion that fits the one can overflow the
//! other, and the server runs every call on a worker.

pub fn on_worker_stack<F: FnOnce() + Send + 'static>(f: F) {
    let done = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn the input's thread")
        .join();
    if let Err(panic) = done {
        std::panic::resume_unwind(panic);
    }
}
