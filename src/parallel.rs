//! Running independent work side by side where the platform has threads: natively (the CLI)
//! on scoped threads; in WebAssembly, where a module instance has one thread, one after the
//! other (the page parallelises across workers instead).

/// Runs `a` and `b`, on two threads when possible, and returns both results.
///
/// ```
/// let (x, y) = qunlens::parallel::join(|| 2 + 2, || "four");
/// assert_eq!((x, y), (4, "four"));
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        // A panic in `a` is a bug: carry it over to the caller as if `a` had run here.
        let a = a.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)); // ok: re-raises a bug's panic
        (a, b)
    })
}

/// Runs `a`, then `b` (WebAssembly: one thread per module instance).
#[cfg(target_arch = "wasm32")]
pub fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}
