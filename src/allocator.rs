//! The process's memory allocator: the system's, until a command starts indexing; mimalloc from then on.
//!
//! Indexing allocates and frees millions of small blocks across threads (a clause's document is made on
//! one thread and dropped on another), which mimalloc does faster than glibc: indexing the bench's
//! 10,000 documents took 3-9% less time. But mimalloc made a whole `joubun search` process a millisecond
//! slower, a tenth of its budget, so only indexing switches to it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};

use libmimalloc_sys as mi;

/// Whether new blocks come from mimalloc.
static BULK: AtomicBool = AtomicBool::new(false);

/// Makes every allocation from now on come from mimalloc; blocks made before are still freed by the
/// system allocator.
pub fn switch_to_bulk() {
    BULK.store(true, Ordering::Relaxed);
}

/// The global allocator: new blocks from the allocator in use, each block back to the one it came from.
pub struct Allocator;

/// Whether mimalloc made the block at `ptr`; it knows the address ranges it holds, and no other
/// allocator's blocks lie inside them.
fn from_mimalloc(ptr: *mut u8) -> bool {
    // SAFETY: a lookup in mimalloc's map of its own memory; any address may be asked about.
    unsafe { mi::mi_is_in_heap_region(ptr as *const c_void) }
}

// SAFETY: every block is made by one of two correct allocators and returned to that same one (see
// `from_mimalloc`); the layouts handed on are the caller's.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if BULK.load(Ordering::Relaxed) {
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if BULK.load(Ordering::Relaxed) {
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        } else {
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if from_mimalloc(ptr) {
            unsafe { mi::mi_free(ptr as *mut c_void) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if from_mimalloc(ptr) {
            unsafe {
                mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        } else {
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_block_goes_back_to_the_allocator_that_made_it() {
        let allocator = Allocator;
        let (small, large) = (
            Layout::from_size_align(100, 8).unwrap(),
            Layout::from_size_align(100_000, 8).unwrap(),
        );
        // Made by the system, as every block before the switch is.
        let early = unsafe { System.alloc(small) };
        switch_to_bulk();
        let late = unsafe { allocator.alloc(small) };
        assert!(!from_mimalloc(early), "a system block taken for mimalloc's");
        assert!(from_mimalloc(late), "a mimalloc block not recognised");
        for (block, made_by_mimalloc) in [(early, false), (late, true)] {
            for i in 0..100 {
                unsafe { block.add(i).write(i as u8) };
            }
            // Growing keeps a block with its allocator, and its contents.
            let grown = unsafe { allocator.realloc(block, small, large.size()) };
            assert_eq!(from_mimalloc(grown), made_by_mimalloc);
            assert!((0..100).all(|i| unsafe { grown.add(i).read() } == i as u8));
            unsafe { allocator.dealloc(grown, large) };
        }
    }
}
