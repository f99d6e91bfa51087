//! Moving entries of a fixed array by one place, element by element: the
//! standard library's `rotate_*` and `copy_within` bring `memmove` and a
//! general rotation into the firmware (1.9 KiB on a Cortex-M4,
//! docs/FOOTPRINT.md) for arrays of a few dozen entries.

/// Puts `item` first in `slots`, moving every entry one place on; the last
/// one falls off.
pub(crate) fn shift_in<T: Copy>(slots: &mut [T], mut item: T) {
    for slot in slots.iter_mut() {
        core::mem::swap(slot, &mut item);
    }
}

/// Drops the first entry of `slots`, moving every other one place back and
/// putting `fill` last.
pub(crate) fn shift_out<T: Copy>(slots: &mut [T], mut fill: T) {
    for slot in slots.iter_mut().rev() {
        core::mem::swap(slot, &mut fill);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_like_rotations() {
        for n in 0..6 {
            let original: [u8; 5] = [1, 2, 3, 4, 5];
            let (mut a, mut b) = (original, original);
            let (a, b) = (&mut a[..n], &mut b[..n]);
            shift_in(a, 9);
            if n > 0 {
                b.rotate_right(1);
                b[0] = 9;
            }
            assert_eq!(a, b);
            let (mut a, mut b) = (original, original);
            let (a, b) = (&mut a[..n], &mut b[..n]);
            shift_out(a, 0);
            if n > 0 {
                b.rotate_left(1);
                b[n - 1] = 0;
            }
            assert_eq!(a, b);
        }
    }
}
