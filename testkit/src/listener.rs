//! A TCP listener on 127.0.0.1 that counts the connections made to it: the witness in
//! tests that chainvet makes no request on behalf of an untrusted chain, and that
//! revocation work per validation is bounded.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the listener does with a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConnect {
    /// Close it at once (the client sees a reset or an empty answer).
    Close,
    /// Keep it open and never answer, until the listener stops.
    Hang,
}

/// Counts connections to `127.0.0.1:PORT`; stops when dropped.
#[derive(Debug)]
pub struct Listener {
    addr: SocketAddr,
    count: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    /// Binds a free port on 127.0.0.1 and starts accepting.
    pub fn start(mode: OnConnect) -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let count = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s) = (Arc::clone(&count), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let held: Mutex<Vec<TcpStream>> = Mutex::new(Vec::new());
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        c.fetch_add(1, Ordering::SeqCst);
                        if mode == OnConnect::Hang {
                            held.lock().unwrap_or_else(|e| e.into_inner()).push(stream);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Listener {
            addr,
            count,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        // Let a connection the kernel already queued be counted.
        std::thread::sleep(Duration::from_millis(30));
        self.count.load(Ordering::SeqCst)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
