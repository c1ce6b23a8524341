//! Stable sorting with one shared copy of the sorting code.
//!
//! Every `sort_by` on a new element type or closure makes the compiler emit the standard
//! library's whole stable sort again (quicksort, drift sort, small sorts): about 2-3 KB of wasm
//! each, some 80 KB over the crate. These functions sort positions with one instance of it and
//! then move the items into place, so the page downloads the sort once. Same result as
//! `slice::sort_by` (stable: equal items keep their order).

use std::cmp::Ordering;

#[inline(never)]
fn sort_positions(positions: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    positions.sort_by(|a, b| cmp(*a, *b));
}

/// Sorts `v` stably by `cmp`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut positions: Vec<u32> = (0..v.len() as u32).collect();
    sort_positions(&mut positions, &mut |a, b| cmp(&v[a as usize], &v[b as usize]));
    // positions[i] is where the item that belongs at i stands now: follow each cycle.
    for i in 0..v.len() {
        let mut j = i;
        loop {
            let k = positions[j] as usize;
            positions[j] = j as u32;
            if k == i {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

/// Sorts `v` stably by a key.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably in its natural order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a.cmp(b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_stays_stable() {
        let mut a = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let mut b = a.clone();
        sort_by_key(&mut a, |x| x.0);
        b.sort_by_key(|x| x.0);
        assert_eq!(a, b);
        let mut s = vec!["b".to_string(), "a".into(), "c".into()];
        sort(&mut s);
        assert_eq!(s, ["a", "b", "c"]);
        let mut e: Vec<i32> = Vec::new();
        sort(&mut e);
        assert!(e.is_empty());
        // 200 arrangements of eight items with repeated keys come out as the standard library's
        // stable sort does.
        let mut x = [4u8, 1, 3, 1, 0, 2, 9, 2];
        for _ in 0..200 {
            let mut ours = x;
            let mut std = x;
            sort_by_key(&mut ours, |k| *k / 2);
            std.sort_by_key(|k| *k / 2);
            assert_eq!(ours, std);
            x.rotate_left(3);
            x.swap(1, 5);
        }
    }
}
