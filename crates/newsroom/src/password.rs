//! Password hashing with argon2id, in working memory kept for reuse.
//!
//! argon2id with its default parameters needs 19 MiB of working memory per hash. Allocated per
//! hash (as `Argon2::hash_password` does), each login took 19 MiB from the allocator on whichever
//! database thread ran it, and glibc kept most of it in that thread's arena: twenty logins, one
//! after another, took a release server from 54 to 300 MB, and `MALLOC_ARENA_MAX=1` only slowed
//! that down (204 MB). Here the memory comes from a fixed set of buffers, one per hash that may
//! run at once ([`set_hashers`], the `password_hashers` setting): password hashing needs
//! `hashers × 19 MiB`, each allocated when first used and then kept, and never more. A hash
//! that finds every buffer in use waits for one.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::NewsroomError;

/// Buffers of argon2 working memory, handed to one hash at a time.
struct Hashers {
    state: Mutex<Pool>,
    returned: Condvar,
}

struct Pool {
    free: Vec<Vec<Block>>,
    /// Buffers that may still be made.
    unmade: usize,
}

/// How many passwords are hashed at once when [`set_hashers`] was not called (the CLI).
const DEFAULT_HASHERS: usize = 1;

static HASHERS: OnceLock<Hashers> = OnceLock::new();

/// Sets how many passwords may be hashed or checked at once (at least one), each with 19 MiB of
/// working memory kept for reuse. Takes effect only before the first hash.
pub fn set_hashers(count: usize) {
    let _ = HASHERS.set(Hashers::new(count));
}

impl Hashers {
    fn new(count: usize) -> Self {
        Self { state: Mutex::new(Pool { free: Vec::new(), unmade: count.max(1) }), returned: Condvar::new() }
    }

    fn get() -> &'static Self {
        HASHERS.get_or_init(|| Self::new(DEFAULT_HASHERS))
    }

    /// Runs `work` with `blocks` blocks of working memory, waiting for a free buffer.
    fn with_memory<T>(&self, blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
        let mut buffer = Lent { hashers: self, memory: self.take() };
        if buffer.memory.len() < blocks {
            buffer.memory.resize(blocks, Block::default());
        }
        work(&mut buffer.memory[..blocks])
    }

    fn take(&self) -> Vec<Block> {
        let mut pool = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(memory) = pool.free.pop() {
                return memory;
            }
            if pool.unmade > 0 {
                pool.unmade -= 1;
                return Vec::new();
            }
            pool = self.returned.wait(pool).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A buffer lent to one hash, given back when it ends (however it ends).
struct Lent<'a> {
    hashers: &'a Hashers,
    memory: Vec<Block>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        self.hashers.state.lock().unwrap_or_else(PoisonError::into_inner).free.push(memory);
        self.hashers.returned.notify_one();
    }
}

fn internal(error: impl std::fmt::Display) -> NewsroomError {
    NewsroomError::Internal(format!("hashing failed: {error}"))
}

/// Hashes `password` with `params` and `salt` into `out`, in a kept buffer.
fn compute(argon2: &Argon2<'_>, params: &Params, password: &str, salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    Hashers::get().with_memory(params.block_count(), |memory| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, out, memory)
    })
}

/// An argon2id hash of `password` with a fresh salt, as a PHC string.
pub fn hash(password: &str) -> Result<String, NewsroomError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).map_err(internal)?;
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(&argon2, &params, password, salt_raw, &mut out).map_err(internal)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(internal)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `stored` (in constant time).
fn matches(password: &str, stored: &str) -> Option<bool> {
    let parsed = PasswordHash::new(stored).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = parsed.version.map(Version::try_from).transpose().ok()?.unwrap_or_default();
    let params = Params::try_from(&parsed).ok()?;
    let (salt, expected) = (parsed.salt?, parsed.hash?);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).ok()?;
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    compute(&argon2, &params, password, salt_raw, &mut out).ok()?;
    // `Output`'s equality is constant-time.
    Some(Output::new(&out).ok()? == expected)
}

/// Checks a password. With no stored hash it still does the work, so a missing account
/// takes as long to reject as a wrong password.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default());
    let candidate = stored.unwrap_or(dummy);
    matches(password, candidate).unwrap_or(false) && stored.is_some()
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::PasswordVerifier;

    use super::*;

    #[test]
    fn hashes_are_standard_argon2id_and_check_both_ways() {
        let stored = hash("correct horse battery staple").expect("a hash");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse battery staple", Some(&stored)));
        assert!(!verify("correct horse battery stapler", Some(&stored)));
        assert!(!verify("correct horse battery staple", None));
        // The argon2 crate's own verifier agrees, and ours reads what it writes.
        let parsed = PasswordHash::new(&stored).expect("a PHC string");
        assert!(Argon2::default().verify_password(b"correct horse battery staple", &parsed).is_ok());
        let theirs = argon2::password_hash::PasswordHasher::hash_password(
            &Argon2::default(),
            b"another passphrase",
            &SaltString::generate(&mut OsRng),
        )
        .expect("a hash")
        .to_string();
        assert!(verify("another passphrase", Some(&theirs)));
        assert!(!verify("another passphrase", Some("not a hash")));
    }

    #[test]
    fn hashes_wait_for_a_free_buffer_and_reuse_it() {
        let hashers = Hashers::new(1);
        let made = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    hashers.with_memory(8, |memory| {
                        assert_eq!(memory.len(), 8);
                        made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    })
                });
            }
        });
        assert_eq!(made.into_inner(), 4);
        let pool = hashers.state.lock().expect("not poisoned");
        assert_eq!((pool.free.len(), pool.unmade), (1, 0), "one buffer was made and kept");
    }
}
