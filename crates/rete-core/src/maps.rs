//! The hash maps and sets of the network and its sessions: keyed by fact ids, token ids
//! and join keys, looked up on every propagation step, so hashed with ahash rather than
//! the standard library's DoS-resistant SipHash (no key here comes from outside as a key
//! to collide on; the profile of a 100K-fact run showed SipHash among its hottest parts).

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
pub(crate) type HashSet<T> = std::collections::HashSet<T, ahash::RandomState>;
