//! Ordered maps and sets kept as sorted vectors.
//!
//! They have the part of `BTreeMap`'s and `BTreeSet`'s API the crate uses, and the same
//! iteration order (by key), so they are drop-in replacements. The reason is size: every new
//! key and value type of a `BTreeMap` makes the compiler emit the whole B-tree again (search,
//! node splits, balancing on removal, a stable sort for `collect`): 3-8 KB of wasm each, over
//! 100 KB for the crate. A sorted vector is a binary search and a `Vec::insert`, a few hundred
//! bytes per type. The maps here are small (a cluster's objects, a pod's labels, a shell's
//! variables: thousands at most), so inserting into the middle of a vector costs nothing a
//! learner could notice.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Bound, Index, RangeBounds};

/// A map ordered by key (`BTreeMap`'s API, a sorted `Vec` inside).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VecMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { items: Vec::new() }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.items.iter().map(|(k, v)| (k, v))).finish()
    }
}

type PairRef<'a, K, V> = fn(&'a (K, V)) -> (&'a K, &'a V);
type PairMut<'a, K, V> = fn(&'a mut (K, V)) -> (&'a K, &'a mut V);

/// Where `items[lo..]` starts for a bound (keys before it are outside).
fn lower<K: Borrow<Q>, V, Q: Ord + ?Sized>(items: &[(K, V)], b: Bound<&Q>) -> usize {
    match b {
        Bound::Unbounded => 0,
        Bound::Included(q) => items.partition_point(|(k, _)| k.borrow() < q),
        Bound::Excluded(q) => items.partition_point(|(k, _)| k.borrow() <= q),
    }
}

/// Where `items[..hi]` ends for a bound.
fn upper<K: Borrow<Q>, V, Q: Ord + ?Sized>(items: &[(K, V)], b: Bound<&Q>) -> usize {
    match b {
        Bound::Unbounded => items.len(),
        Bound::Included(q) => items.partition_point(|(k, _)| k.borrow() <= q),
        Bound::Excluded(q) => items.partition_point(|(k, _)| k.borrow() < q),
    }
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> std::iter::Map<std::slice::Iter<'_, (K, V)>, PairRef<'_, K, V>> {
        self.items.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> std::iter::Map<std::slice::IterMut<'_, (K, V)>, PairMut<'_, K, V>> {
        self.items.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.items.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.items.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.items.iter_mut().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.items.into_iter().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.items.into_iter().map(|(k, _)| k)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.items.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.items.last().map(|(k, v)| (k, v))
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.items.pop()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.items.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.items.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| (&self.items[i].0, &self.items[i].1))
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.items[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i).1)
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(i) => Entry { map: self, at: i, key: None },
            Err(i) => Entry { map: self, at: i, key: Some(key) },
        }
    }

    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(
        &self,
        range: R,
    ) -> std::iter::Map<std::slice::Iter<'_, (K, V)>, PairRef<'_, K, V>>
    where
        K: Borrow<Q>,
    {
        let lo = lower(&self.items, range.start_bound());
        let hi = upper(&self.items, range.end_bound()).max(lo);
        self.items[lo..hi].iter().map(|(k, v)| (k, v))
    }

    pub fn append(&mut self, other: &mut VecMap<K, V>) {
        for (k, v) in std::mem::take(&mut other.items) {
            self.insert(k, v);
        }
    }
}

/// A place in a map for one key, found by `VecMap::entry`.
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    at: usize,
    /// The key when it is not in the map yet.
    key: Option<K>,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        if let Some(k) = self.key {
            self.map.items.insert(self.at, (k, make()));
        }
        &mut self.map.items[self.at].1
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<K: Ord + Borrow<Q>, V, Q: Ord + ?Sized> Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// As `BTreeMap`: for a key given twice, the later value stays.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut items: Vec<(K, V)> = iter.into_iter().collect();
        crate::support::sort::sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        // Keep the last of each run of equal keys.
        let mut out: Vec<(K, V)> = Vec::with_capacity(items.len());
        for item in items {
            match out.last_mut() {
                Some(last) if last.0 == item.0 => *last = item,
                _ => out.push(item),
            }
        }
        VecMap { items: out }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(items: [(K, V); N]) -> Self {
        items.into_iter().collect()
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, PairRef<'a, K, V>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = std::iter::Map<std::slice::IterMut<'a, (K, V)>, PairMut<'a, K, V>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// A set ordered by value (`BTreeSet`'s API, a sorted `Vec` inside).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet { items: Vec::new() }
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }

    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

impl<T: Ord> VecSet<T> {
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(value))
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    pub fn get<Q: Ord + ?Sized>(&self, value: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| &self.items[i])
    }

    /// False when the value was there already (the set is unchanged then, as `BTreeSet`).
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.take(value).is_some()
    }

    pub fn take<Q: Ord + ?Sized>(&mut self, value: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| self.items.remove(i))
    }

    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        let pos = |b: Bound<&Q>, is_end: bool| match b {
            Bound::Unbounded => None,
            Bound::Included(q) | Bound::Excluded(q) => {
                let incl = matches!(b, Bound::Included(_));
                Some(self.items.partition_point(|t| match t.borrow().cmp(q) {
                    Ordering::Less => true,
                    Ordering::Equal => is_end == incl,
                    Ordering::Greater => false,
                }))
            }
        };
        let lo = pos(range.start_bound(), false).unwrap_or(0);
        let hi = pos(range.end_bound(), true).unwrap_or(self.items.len()).max(lo);
        self.items[lo..hi].iter()
    }

    pub fn append(&mut self, other: &mut VecSet<T>) {
        for t in std::mem::take(&mut other.items) {
            self.insert(t);
        }
    }

    pub fn is_subset(&self, other: &VecSet<T>) -> bool {
        self.items.iter().all(|t| other.contains(t))
    }

    pub fn difference<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |t| !other.contains(*t))
    }

    pub fn intersection<'a>(&'a self, other: &'a VecSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |t| other.contains(*t))
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut items: Vec<T> = iter.into_iter().collect();
        crate::support::sort::sort(&mut items);
        // As `BTreeSet`: the first of equal values stays.
        items.dedup();
        VecSet { items }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for t in iter {
            self.insert(t);
        }
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A little deterministic generator for the comparisons below.
    fn draws(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 59) as u8
            })
            .collect()
    }

    #[test]
    fn the_map_behaves_as_btreemap() {
        for seed in 0..200 {
            let d = draws(seed, 120);
            let (mut ours, mut theirs) = (VecMap::new(), BTreeMap::new());
            for pair in d.chunks(3) {
                let (op, k, v) = (pair[0] % 4, pair[1], pair.get(2).copied().unwrap_or(0));
                match op {
                    0 => assert_eq!(ours.insert(k, v), theirs.insert(k, v)),
                    1 => assert_eq!(ours.remove(&k), theirs.remove(&k)),
                    2 => *ours.entry(k).or_default() += v % 3,
                    _ => assert_eq!(ours.get(&k), theirs.get(&k)),
                }
                if op == 2 {
                    *theirs.entry(k).or_default() += v % 3;
                }
                let lo = k.min(v);
                let hi = k.max(v);
                assert_eq!(ours.range(lo..hi).collect::<Vec<_>>(), theirs.range(lo..hi).collect::<Vec<_>>());
                assert_eq!(ours.range(lo..=hi).collect::<Vec<_>>(), theirs.range(lo..=hi).collect::<Vec<_>>());
                assert_eq!(
                    ours.range((Bound::Excluded(lo), Bound::Unbounded)).collect::<Vec<_>>(),
                    theirs.range((Bound::Excluded(lo), Bound::Unbounded)).collect::<Vec<_>>()
                );
            }
            assert_eq!(ours.iter().collect::<Vec<_>>(), theirs.iter().collect::<Vec<_>>());
            let pairs: Vec<(u8, u8)> = d.chunks(2).map(|c| (c[0], c[1])).collect();
            let a: VecMap<_, _> = pairs.iter().copied().collect();
            let b: BTreeMap<_, _> = pairs.iter().copied().collect();
            assert_eq!(a.into_iter().collect::<Vec<_>>(), b.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_set_behaves_as_btreeset() {
        for seed in 0..200 {
            let d = draws(seed, 90);
            let (mut ours, mut theirs) = (VecSet::new(), BTreeSet::new());
            for pair in d.chunks(2) {
                let (op, v) = (pair[0] % 3, pair[1]);
                match op {
                    0 => assert_eq!(ours.insert(v), theirs.insert(v)),
                    1 => assert_eq!(ours.remove(&v), theirs.remove(&v)),
                    _ => assert_eq!(ours.contains(&v), theirs.contains(&v)),
                }
                let lo = v.min(pair[0]);
                let hi = v.max(pair[0]);
                assert_eq!(ours.range(lo..hi).collect::<Vec<_>>(), theirs.range(lo..hi).collect::<Vec<_>>());
                assert_eq!(ours.range(lo..=hi).collect::<Vec<_>>(), theirs.range(lo..=hi).collect::<Vec<_>>());
                assert_eq!(
                    ours.range((Bound::Excluded(lo), Bound::Included(hi))).collect::<Vec<_>>(),
                    theirs.range((Bound::Excluded(lo), Bound::Included(hi))).collect::<Vec<_>>()
                );
            }
            assert_eq!(ours.iter().collect::<Vec<_>>(), theirs.iter().collect::<Vec<_>>());
            assert_eq!(
                d.iter().collect::<VecSet<_>>().into_iter().collect::<Vec<_>>(),
                d.iter().collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>()
            );
        }
    }
}
