//! Work spread over threads: rayon, on a pool of its own of the size the caller asks for. The
//! core never uses rayon's global pool, which is sized by the machine: the caller decides
//! (`--threads`-like options, tests with 1 or 100 threads). Results always come back in input
//! order, so the output does not depend on the number of threads or on scheduling.

use rayon::prelude::*;

/// Threads are capped: past a few dozen, a pool costs more to start than it saves.
const MAX_THREADS: usize = 64;

/// `f` over `items` on up to `threads` threads, results in input order. One thread (or one
/// item) runs on the caller's thread, with no pool.
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    let threads = threads.clamp(1, MAX_THREADS).min(items.len().max(1));
    match pool(threads) {
        Some(pool) => pool.install(|| items.par_iter().map(f).collect()),
        None => items.iter().map(f).collect(),
    }
}

/// `f` over consecutive runs of `items` on up to `threads` threads, results in input order:
/// for work with a cost per call (buffers, partial results to merge) worth sharing by a run.
pub(crate) fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&[T]) -> R + Sync + Send,
) -> Vec<R> {
    let threads = threads.clamp(1, MAX_THREADS).min(items.len().max(1));
    match pool(threads) {
        Some(pool) => {
            // A few runs per thread, so that one slow run does not leave the others idle.
            let run = items.len().div_ceil(threads * 4).max(1);
            pool.install(|| items.par_chunks(run).map(f).collect())
        }
        None => vec![f(items)],
    }
}

/// A pool of `threads` threads; `None` for one thread, or when the threads cannot be started
/// (the work then runs on the caller's thread: slower, same result).
fn pool(threads: usize) -> Option<rayon::ThreadPool> {
    if threads <= 1 {
        return None;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order_for_any_number_of_threads() {
        let items: Vec<u32> = (0..1000).collect();
        let once: Vec<u32> = items.iter().map(|i| i * 3).collect();
        for threads in [0, 1, 2, 3, 8, 100] {
            assert_eq!(map(&items, threads, |i| i * 3), once, "{threads}");
            let runs = map_chunks(&items, threads, |c| c.to_vec());
            assert_eq!(runs.concat(), items, "{threads}");
        }
        assert!(map(&[] as &[u32], 4, |i| *i).is_empty());
        assert_eq!(map_chunks(&[] as &[u32], 4, <[u32]>::len), [0]);
    }
}
