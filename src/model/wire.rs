//! The loaded model, a piece of a file or a worker's partial model, handed to another worker of
//! this build (the page computes the leaderboard beside the other sections, reads large files
//! in pieces and several files in parse workers that way): a list of byte runs, the message
//! columns and text blocks as their own bytes, so that each byte is copied once out of this
//! worker's memory and once into the other's. Encoded whole (postcard), a hand-over was copied
//! twice more and sat in the receiver's memory beside its decoded form.
//!
//! Runs, in order: the head's length (8 bytes, little-endian), the head (postcard: the message
//! count, the text blocks' lengths, quotes and mentions, then the owner's own head —
//! everything else of the model or piece), the columns (`time`, `group`, `sender`, `kind`,
//! `flags`, then the text spans as start, length pairs), the text blocks. Numbers in the
//! columns are in the machine's byte order: both ends are the same build on one machine; this
//! is not a file format.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Business, Group, GroupId, HashMap, Member, MemberId, Membership, MessageKind, Messages, Model, Quote, TextArena};

/// What travels in the head for the messages, borrowed from them.
#[derive(Serialize)]
struct MessagesHeadRef<'m> {
    messages: u64,
    blocks: Vec<u64>,
    quotes: &'m HashMap<u32, Quote>,
    mentions: &'m HashMap<u32, Vec<String>>,
}

/// [`MessagesHeadRef`] read back (field for field the same encoding).
#[derive(Deserialize)]
struct MessagesHead {
    messages: u64,
    blocks: Vec<u64>,
    quotes: HashMap<u32, Quote>,
    mentions: HashMap<u32, Vec<String>>,
}

/// A model's own head: everything but its messages, borrowed.
#[derive(Serialize)]
struct ModelHeadRef<'m> {
    groups: &'m [Group],
    members: &'m [Member],
    memberships: &'m [Membership],
    listed: &'m [(GroupId, MemberId)],
    offered: &'m [u64],
    business: &'m Business,
}

/// [`ModelHeadRef`] read back.
#[derive(Deserialize)]
struct ModelHead {
    groups: Vec<Group>,
    members: Vec<Member>,
    memberships: Vec<Membership>,
    listed: Vec<(GroupId, MemberId)>,
    offered: Vec<u64>,
    business: Business,
}

/// One run: borrowed from the messages, or made for the hand-over (the head, and the columns
/// whose memory layout is not plain bytes).
enum Run<'m> {
    Borrowed(&'m [u8]),
    Owned(Vec<u8>),
    Words(Vec<u32>),
}

impl Run<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Run::Borrowed(b) => b,
            Run::Owned(b) => b,
            Run::Words(w) => bytemuck::cast_slice(w),
        }
    }
}

/// A hand-over as byte runs (see the module docs); concatenated, they are its bytes.
pub struct Runs<'m> {
    runs: Vec<Run<'m>>,
}

impl Runs<'_> {
    /// Bytes in all runs.
    pub fn len(&self) -> usize {
        self.runs.iter().map(|r| r.bytes().len()).sum()
    }

    /// True when there are no bytes (never: the head's length is always there).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The runs in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.runs.iter().map(Run::bytes)
    }

    /// The runs concatenated.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        for run in self.iter() {
            out.extend_from_slice(run);
        }
        out
    }
}

/// The model as byte runs.
pub fn runs(model: &Model) -> Result<Runs<'_>, String> {
    let head = ModelHeadRef {
        groups: &model.groups,
        members: &model.members,
        memberships: &model.memberships,
        listed: &model.listed,
        offered: &model.offered,
        business: &model.business,
    };
    runs_with("model", &head, &model.messages)
}

/// `head` (any value the reader reads back as its own type) and `messages` as byte runs;
/// `what` names the hand-over in errors.
pub fn runs_with<'m, H: Serialize>(what: &str, head: &H, messages: &'m Messages) -> Result<Runs<'m>, String> {
    let m = messages;
    let blocks = m.text_arena.blocks();
    let messages_head = MessagesHeadRef {
        messages: m.len() as u64,
        blocks: blocks.iter().map(|b| b.len() as u64).collect(),
        quotes: &m.quotes,
        mentions: &m.mentions,
    };
    let head = postcard::to_allocvec(&(messages_head, head)).map_err(|e| format!("{what}: {e}"))?;
    let mut runs = vec![Run::Owned((head.len() as u64).to_le_bytes().to_vec()), Run::Owned(head)];
    runs.push(Run::Borrowed(bytemuck::cast_slice(&m.time)));
    runs.push(Run::Borrowed(bytemuck::cast_slice(&m.group)));
    runs.push(Run::Borrowed(bytemuck::cast_slice(&m.sender)));
    runs.push(Run::Owned(m.kind.iter().map(|&k| k as u8).collect()));
    runs.push(Run::Borrowed(&m.flags));
    runs.push(Run::Words(m.text_span.iter().flat_map(|&(start, len)| [start, len]).collect()));
    runs.extend(blocks.iter().map(|b| Run::Borrowed(b.as_bytes())));
    Ok(Runs { runs })
}

/// Reads back a model from `len` bytes of runs that `copy(offset, out)` copies into `out`
/// (from a byte slice, or straight from another memory). Errs on a truncated or damaged
/// hand-over instead of building a model that does not hold together.
pub fn read(len: usize, copy: &mut dyn FnMut(usize, &mut [u8])) -> Result<Model, String> {
    let (head, messages): (ModelHead, Messages) = read_with("model", len, copy)?;
    Ok(Model {
        groups: head.groups,
        members: head.members,
        messages,
        memberships: head.memberships,
        listed: head.listed,
        offered: head.offered,
        business: head.business,
    })
}

/// Reads back what [`runs_with`] wrote: the owner's head and the messages (as [`read`]).
pub fn read_with<H: DeserializeOwned>(what: &str, len: usize, copy: &mut dyn FnMut(usize, &mut [u8])) -> Result<(H, Messages), String> {
    let (head, mut messages, mut rows) = open_with(what, len, copy)?;
    let all = rows.rows(0..rows.len())?;
    messages.time = all.time;
    messages.group = all.group;
    messages.sender = all.sender;
    messages.kind = all.kind;
    messages.flags = all.flags;
    messages.text_span = all.text_span;
    Ok((head, messages))
}

/// Opens what [`runs_with`] wrote for reading its rows in ranges: the owner's head, the
/// messages without their columns (the texts, quotes and mentions), and a [`RowReader`] for
/// the columns. A piece of a large file is taken back this way, a range of rows at a time,
/// so that its columns are never held whole beside the model they are appended to. Checks
/// the hand-over's length against its head first: a truncated or lengthened one is refused
/// before anything is read.
pub fn open_with<H: DeserializeOwned, C: FnMut(usize, &mut [u8])>(what: &str, len: usize, copy: C) -> Result<(H, Messages, RowReader<C>), String> {
    let bad = |problem: &str| format!("{what}: {problem}");
    let mut input = Input { what: what.to_string(), at: 0, len, copy };
    let mut head_len = [0u8; 8];
    input.next(&mut head_len)?;
    let head_len = usize::try_from(u64::from_le_bytes(head_len)).ok().filter(|&l| l <= input.left()).ok_or_else(|| truncated(what))?;
    let mut head = vec![0u8; head_len];
    input.next(&mut head)?;
    let (messages_head, head): (MessagesHead, H) = postcard::from_bytes(&head).map_err(|e| bad(&e.to_string()))?;
    // The columns and blocks must fit in what is left before anything is allocated (a damaged
    // count must not ask for gigabytes).
    let n = usize::try_from(messages_head.messages).ok().filter(|&n| n.checked_mul(ROW_BYTES).is_some_and(|need| need <= input.left())).ok_or_else(|| truncated(what))?;
    let columns_at = input.at;
    input.at += n * ROW_BYTES;
    let mut blocks = Vec::with_capacity(messages_head.blocks.len());
    for &block_len in &messages_head.blocks {
        let block_len = usize::try_from(block_len).ok().filter(|&l| l <= input.left()).ok_or_else(|| truncated(what))?;
        let mut block = vec![0u8; block_len];
        input.next(&mut block)?;
        blocks.push(block);
    }
    if input.left() != 0 {
        return Err(bad("bytes after the last text block"));
    }
    let text_arena = TextArena::from_blocks(blocks).ok_or_else(|| bad("a text block is not UTF-8"))?;
    let messages = Messages { text_arena, quotes: messages_head.quotes, mentions: messages_head.mentions, ..Default::default() };
    Ok((head, messages, RowReader { n, columns_at, input }))
}

/// Bytes per message in the columns: time, group, sender, kind, flags, text span.
const ROW_BYTES: usize = 8 + 4 + 4 + 1 + 1 + 8;

/// The columns of an opened hand-over ([`open_with`]), read a range of rows at a time.
pub struct RowReader<C> {
    n: usize,
    columns_at: usize,
    input: Input<C>,
}

impl<C> std::fmt::Debug for RowReader<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowReader").field("rows", &self.n).field("columns_at", &self.columns_at).finish()
    }
}

impl<C: FnMut(usize, &mut [u8])> RowReader<C> {
    /// Rows in the hand-over.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when it has no rows.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The columns of rows `range` (clamped to the rows there are); their texts are in the
    /// arena [`open_with`] returned. Errs on a message kind that does not exist.
    pub fn rows(&mut self, range: std::ops::Range<usize>) -> Result<Messages, String> {
        let n = self.n;
        let (start, end) = (range.start.min(n), range.end.min(n));
        let count = end - start;
        let columns_at = self.columns_at;
        // Where row `start` is in the column after `before` bytes of each row, `width` wide.
        let at = |before: usize, width: usize| columns_at + before * n + width * start;
        let input = &mut self.input;
        let mut time = vec![0i64; count];
        input.seek(at(0, 8)).next(bytemuck::cast_slice_mut(&mut time))?;
        let mut group = vec![0u32; count];
        input.seek(at(8, 4)).next(bytemuck::cast_slice_mut(&mut group))?;
        let mut sender = vec![0u32; count];
        input.seek(at(12, 4)).next(bytemuck::cast_slice_mut(&mut sender))?;
        let mut kind = Vec::with_capacity(count);
        let mut no_kind = false;
        input.seek(at(16, 1)).each::<u8>(count, |k| match MessageKind::ALL.get(k as usize) {
            Some(&k) => kind.push(k),
            None => no_kind = true,
        })?;
        if no_kind {
            return Err(format!("{}: a message kind that does not exist", input.what));
        }
        let mut flags = vec![0u8; count];
        input.seek(at(17, 1)).next(&mut flags)?;
        let mut text_span = Vec::with_capacity(count);
        input.seek(at(18, 8)).each::<[u32; 2]>(count, |[start, len]| text_span.push((start, len)))?;
        Ok(Messages { time, group, sender, kind, flags, text_span, ..Default::default() })
    }
}

/// Values per read of a converted column ([`Input::each`]).
const SCRATCH_VALUES: usize = 1 << 20;

fn truncated(what: &str) -> String {
    format!("{what}: the hand-over is truncated")
}

/// The hand-over being read: `len` bytes, of which `at` are read.
struct Input<C> {
    what: String,
    at: usize,
    len: usize,
    copy: C,
}

impl<C: FnMut(usize, &mut [u8])> Input<C> {
    fn left(&self) -> usize {
        self.len - self.at
    }

    /// Reads the next `n` values of a column whose memory layout differs from its bytes (kinds,
    /// span pairs) through a scratch buffer of at most [`SCRATCH_VALUES`], so that the column
    /// is not held twice while it is converted (tens of MB for a piece of a large file).
    fn each<T: bytemuck::Pod>(&mut self, n: usize, mut value: impl FnMut(T)) -> Result<(), String> {
        let mut scratch = vec![T::zeroed(); n.min(SCRATCH_VALUES)];
        let mut left = n;
        while left > 0 {
            let chunk = &mut scratch[..left.min(SCRATCH_VALUES)];
            self.next(bytemuck::cast_slice_mut(chunk))?;
            chunk.iter().for_each(|&v| value(v));
            left -= chunk.len();
        }
        Ok(())
    }

    /// Moves to byte `at` (a column of an opened hand-over).
    fn seek(&mut self, at: usize) -> &mut Self {
        self.at = at.min(self.len);
        self
    }

    /// Copies the next `out.len()` bytes into `out`, if there are that many.
    fn next(&mut self, out: &mut [u8]) -> Result<(), String> {
        if out.len() > self.left() {
            return Err(truncated(&self.what));
        }
        (self.copy)(self.at, out);
        self.at += out.len();
        Ok(())
    }
}

/// [`read`] from bytes in memory.
pub fn from_bytes(bytes: &[u8]) -> Result<Model, String> {
    read(bytes.len(), &mut copy_from(bytes))
}

/// The `copy` of [`read`] and [`read_with`] for bytes in memory.
pub fn copy_from(bytes: &[u8]) -> impl FnMut(usize, &mut [u8]) + '_ {
    // The readers ask only for ranges inside `len`.
    move |at, out| {
        if let Some(from) = bytes.get(at..at + out.len()) {
            out.copy_from_slice(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in sample (quotes, mentions, memberships, CRM rows, several groups) loaded.
    fn sample_analyzer() -> crate::Analyzer {
        let mut a = crate::Analyzer::new(crate::Config::default()).unwrap();
        for file in crate::sample::generate(&Default::default()) {
            a.add_file(&file.name, &file.bytes);
        }
        a
    }

    fn sample_model() -> Model {
        sample_analyzer().builder.model().clone()
    }

    /// Field for field the same (the maps compared as maps: their encoded order may differ).
    fn assert_same(a: &Model, b: &Model) {
        let encoded = |m: &Model| postcard::to_allocvec(&(&m.groups, &m.members, &m.memberships, &m.listed, &m.offered, &m.business)).unwrap();
        assert!(encoded(a) == encoded(b), "groups, members, memberships, listed, offered or business differ");
        let (x, y) = (&a.messages, &b.messages);
        assert!(x.time == y.time && x.group == y.group && x.sender == y.sender && x.kind == y.kind && x.flags == y.flags, "a column differs");
        assert!((0..x.len()).all(|i| x.text(i) == y.text(i)), "a text differs");
        assert!(x.quotes == y.quotes && x.mentions == y.mentions, "quotes or mentions differ");
    }

    #[test]
    fn a_model_reads_back_as_it_was() {
        let mut a = sample_analyzer();
        let bytes = a.model_bytes().unwrap();
        let back = from_bytes(&bytes).unwrap();
        let model = a.builder.model();
        assert!(model.messages.len() > 10_000 && !model.messages.quotes.is_empty() && !model.messages.mentions.is_empty());
        assert!(!model.memberships.is_empty() && !model.business.crm.is_empty());
        assert_same(&back, model);
        // And read run by run through the copy callback, as from another memory.
        let mut calls = 0;
        let again = read(bytes.len(), &mut |at, out| {
            calls += 1;
            out.copy_from_slice(&bytes[at..at + out.len()]);
        })
        .unwrap();
        assert_same(&again, model);
        assert_eq!(calls, 2 + 6 + model.messages.text_arena.blocks().len());
    }

    #[test]
    fn texts_in_several_blocks_keep_their_spans() {
        let mut m = sample_model();
        let arena = TextArena::from_blocks(vec!["甲乙".as_bytes().to_vec(), b"second".to_vec()]).unwrap();
        let second = (crate::model::arena::BLOCK as u32, 6);
        m.messages.text_arena = arena;
        m.messages.text_span.iter_mut().enumerate().for_each(|(i, s)| *s = if i % 2 == 0 { (0, 6) } else { second });
        let back = from_bytes(&runs(&m).unwrap().to_vec()).unwrap();
        assert_eq!((back.messages.text(0), back.messages.text(1)), ("甲乙", "second"));
    }

    #[test]
    fn a_truncated_or_damaged_hand_over_is_an_error() {
        let m = sample_model();
        let runs = runs(&m).unwrap();
        let bytes = runs.to_vec();
        let head_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        // Cut anywhere: in the head's length, the head, every column, the text.
        for cut in [0, 5, 8, head_end - 1, head_end, head_end + 7, bytes.len() / 2, bytes.len() - 1] {
            let err = from_bytes(&bytes[..cut]).unwrap_err();
            assert!(err.starts_with("model: "), "{cut}: {err}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(from_bytes(&longer).unwrap_err(), "model: bytes after the last text block");
        // A message kind that does not exist (the kind column follows time, group, sender).
        let n = m.messages.len();
        let mut bad_kind = bytes.clone();
        bad_kind[head_end + 16 * n] = 200;
        assert_eq!(from_bytes(&bad_kind).unwrap_err(), "model: a message kind that does not exist");
        // Text that is not UTF-8 (the last byte of the last block).
        let mut bad_text = bytes.clone();
        *bad_text.last_mut().unwrap() = 0xFF;
        assert_eq!(from_bytes(&bad_text).unwrap_err(), "model: a text block is not UTF-8");
        // A head length beyond the end.
        let mut bad_head = bytes.clone();
        bad_head[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(from_bytes(&bad_head).unwrap_err(), "model: the hand-over is truncated");
    }
}
