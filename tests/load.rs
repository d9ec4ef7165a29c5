//! One `Client` shared by many tasks: 1,000 concurrent requests against the
//! mock server finish with zero failures, and once they end the process
//! holds no open connections and no more heap than after the first
//! thousand. Resident memory is printed too, but it cannot show a leak:
//! the allocator keeps pages it has freed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use authentik_client::Client;
use test_support::prism::{self, Prism};

const REQUESTS: usize = 1_000;

/// Counts the bytes this process has allocated and not freed: resident
/// memory alone cannot tell a leak from the allocator keeping freed pages.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed straight to the system allocator, with the
// caller's layout; the counter is only arithmetic on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `realloc`'s contract.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Sockets this process has open.
fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| {
                    std::fs::read_link(entry.path())
                        .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
                })
                .count()
        })
        .unwrap_or(0)
}

/// Resident memory of this process, in KiB.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| {
                    line.split_whitespace()
                        .nth(1)
                        .and_then(|kib| kib.parse().ok())
                })
        })
        .unwrap_or(0)
}

/// Waits until idle connections are closed: the pool drops a connection
/// idle for 4 s at its next sweep, so within 8 s. Gives up at 15 s and
/// returns what is still open.
async fn settle(sockets_before: usize) -> usize {
    let started = std::time::Instant::now();
    loop {
        let open = open_sockets();
        if open <= sockets_before + 2 || started.elapsed() > Duration::from_secs(15) {
            return open;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn burst(client: &Client) -> usize {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..REQUESTS {
        let client = client.clone();
        tasks.spawn(async move {
            client
                .stages()
                .invitation_invitations_retrieve(
                    "3fa85f64-5717-4562-b3fc-2c963f66afa6"
                        .parse()
                        .expect("uuid"),
                )
                .await
        });
    }
    let mut failures = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                failures += 1;
                eprintln!("{error}");
            }
            Err(panic) => panic!("a task panicked: {panic}"),
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Prism; run with --include-ignored (the README's test command does)"]
async fn a_thousand_concurrent_requests_through_one_client() {
    let schema = test_support::workspace().join("schema/authentik.yml");
    let Some(prism) = Prism::start(&prism::corrected_schema(&schema, "load"), "load", true) else {
        return;
    };
    let client = Client::builder(&prism.url)
        .api_prefix("")
        .token("a-test-token")
        .timeout(Some(Duration::from_secs(120)))
        .build()
        .expect("client");
    let sockets_before = open_sockets();

    // The first thousand warms the pool and the runtime; the next two must
    // leave the heap where the first did.
    let mut after = Vec::new();
    for round in 1..=3 {
        let started = std::time::Instant::now();
        assert_eq!(burst(&client).await, 0, "failures in thousand {round}");
        let elapsed = started.elapsed();
        let sockets = settle(sockets_before).await;
        let live = LIVE_BYTES.load(Ordering::Relaxed) / 1024;
        eprintln!(
            "thousand {round}: {elapsed:.2?}, then {sockets} sockets open ({sockets_before} before), {live} KiB allocated, {} KiB resident",
            resident_kib()
        );
        assert!(
            sockets <= sockets_before + 2,
            "connections left open after thousand {round}: {sockets}"
        );
        after.push(live);
    }
    // Heap bytes, not pages: a leak of one small allocation per request
    // would show as tens of KiB per thousand.
    let (warm, last) = (after[0], after[2]);
    assert!(
        last <= warm + 16,
        "memory grows: {warm} KiB allocated after the first thousand, {last} KiB after the third"
    );
}
