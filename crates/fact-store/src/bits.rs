//! A growable vector of bits, for the per-row "missing" and "null" marks of a column.

/// Bits indexed from 0, packed 64 to a word.
#[derive(Debug, Clone, Default)]
pub(crate) struct BitVec {
    words: Vec<u64>,
    len: usize,
}

impl BitVec {
    /// `len` bits, all clear.
    pub(crate) fn zeros(len: usize) -> BitVec {
        BitVec {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    pub(crate) fn push(&mut self, bit: bool) {
        if self.len % 64 == 0 {
            self.words.push(0);
        }
        self.len += 1;
        self.set(self.len - 1, bit);
    }

    pub(crate) fn set(&mut self, index: usize, bit: bool) {
        debug_assert!(index < self.len);
        let mask = 1u64 << (index % 64);
        if bit {
            self.words[index / 64] |= mask;
        } else {
            self.words[index / 64] &= !mask;
        }
    }

    pub(crate) fn get(&self, index: usize) -> bool {
        index < self.len && self.words[index / 64] & (1u64 << (index % 64)) != 0
    }

    pub(crate) fn bytes(&self) -> usize {
        self.words.capacity() * size_of::<u64>()
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.words.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_set_and_clear_across_words() {
        let mut bits = BitVec::zeros(3);
        for i in 0..200 {
            bits.push(i % 3 == 0);
        }
        bits.set(1, true);
        bits.set(3, false);
        assert!(bits.get(1));
        assert!(!bits.get(3));
        assert!(bits.get(3 + 6));
        assert!(!bits.get(10_000));
        assert_eq!(bits.len, 203);
    }
}
