//! Message columns as raw little-endian byte strings in serde formats (postcard), so handing
//! a million-message partial or piece from one worker to another copies each column once
//! instead of encoding and decoding a varint per value (which was most of the hand-over). On
//! a little-endian machine a column of plain numbers is its own encoding: written from where
//! it lies, read back with one copy.
//!
//! Use with `#[serde(with = "columns")]` on a `Vec` of a [`Fixed`] type.

use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::Serializer;

/// A value with a fixed-width little-endian encoding.
pub trait Fixed: Copy {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    /// Reads the value from exactly [`Fixed::SIZE`] bytes (`None`: not a valid value).
    fn get(bytes: &[u8]) -> Option<Self>;

    /// The encoding of `values` as they lie in memory, where that is it (plain numbers on a
    /// little-endian machine): a column is then written without a copy.
    fn as_encoded(_values: &[Self]) -> Option<&[u8]> {
        None
    }

    /// `bytes` decoded (whole values only), by the value.
    fn decode(bytes: &[u8]) -> Option<Vec<Self>> {
        bytes.chunks_exact(Self::SIZE).map(Self::get).collect()
    }
}

macro_rules! fixed_int {
    ($($t:ty),*) => {$(
        impl Fixed for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Option<Self> {
                Some(<$t>::from_le_bytes(bytes.try_into().ok()?))
            }
            #[cfg(target_endian = "little")]
            fn as_encoded(values: &[Self]) -> Option<&[u8]> {
                Some(bytemuck::cast_slice(values))
            }
            /// One copy into an aligned column (any bit pattern is a valid number).
            #[cfg(target_endian = "little")]
            fn decode(bytes: &[u8]) -> Option<Vec<Self>> {
                let mut out: Vec<$t> = vec![0; bytes.len() / Self::SIZE];
                let whole = bytes.get(..out.len() * Self::SIZE)?;
                bytemuck::cast_slice_mut::<$t, u8>(&mut out).copy_from_slice(whole);
                Some(out)
            }
        }
    )*};
}
fixed_int!(u8, u32, i64);

impl Fixed for (u32, u32) {
    const SIZE: usize = 8;
    fn put(self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        Some((u32::get(bytes.get(..4)?)?, u32::get(bytes.get(4..)?)?))
    }
}

impl Fixed for super::MessageKind {
    const SIZE: usize = 1;
    fn put(self, out: &mut Vec<u8>) {
        out.push(self as u8);
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        super::MessageKind::ALL.get(*bytes.first()? as usize).copied()
    }
}

pub fn serialize<T: Fixed, S: Serializer>(values: &[T], serializer: S) -> Result<S::Ok, S::Error> {
    if let Some(bytes) = T::as_encoded(values) {
        return serializer.serialize_bytes(bytes);
    }
    let mut out = Vec::with_capacity(values.len() * T::SIZE);
    for &v in values {
        v.put(&mut out);
    }
    serializer.serialize_bytes(&out)
}

pub fn deserialize<'de, T: Fixed, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    struct Column<T>(PhantomData<T>);
    impl<T: Fixed> Visitor<'_> for Column<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a byte string of {}-byte values", T::SIZE)
        }
        fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<T>, E> {
            if bytes.len() % T::SIZE != 0 {
                return Err(E::invalid_length(bytes.len(), &self));
            }
            T::decode(bytes).ok_or_else(|| E::custom("a value out of range"))
        }
    }
    deserializer.deserialize_bytes(Column(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Columns {
        #[serde(with = "super")]
        time: Vec<i64>,
        #[serde(with = "super")]
        id: Vec<u32>,
        #[serde(with = "super")]
        span: Vec<(u32, u32)>,
        #[serde(with = "super")]
        flags: Vec<u8>,
        #[serde(with = "super")]
        kind: Vec<crate::model::MessageKind>,
    }

    #[test]
    fn columns_round_trip_and_are_raw_bytes() {
        let c = Columns { time: vec![i64::MIN, -1, 0, 1_700_000_000, i64::MAX], id: vec![0, u32::MAX], span: vec![(1, 2), (u32::MAX, 0)], flags: vec![0, 3, 255], kind: crate::model::MessageKind::ALL.to_vec() };
        let bytes = postcard::to_allocvec(&c).unwrap();
        // One length byte per column plus the values' own widths.
        assert_eq!(bytes.len(), 5 + 5 * 8 + 2 * 4 + 2 * 8 + 3 + 18);
        assert_eq!(postcard::from_bytes::<Columns>(&bytes).unwrap(), c);
    }

    #[test]
    fn a_column_of_the_wrong_length_is_an_error_not_a_panic() {
        // time: 9 bytes is no whole number of i64s.
        let bytes = [9u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0];
        assert!(postcard::from_bytes::<Columns>(&bytes).is_err());
        // kind 18 does not exist.
        let bytes = [0u8, 0, 0, 0, 1, 18];
        assert!(postcard::from_bytes::<Columns>(&bytes).is_err());
        assert!(postcard::from_bytes::<Columns>(&[0u8, 0, 0, 0, 1, 17]).is_ok());
    }
}
