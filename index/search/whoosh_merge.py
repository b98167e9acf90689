"""Segment merging for the Whoosh engine: streamed, and tiered by size.

Whoosh merges segments by pouring every posting of the merged segments into its external
sorting pool, which pickles each posting to a temporary run file once the pool passes its
memory estimate, then reads them back through a heap. On our indexes that made a merge
2.5 times slower than indexing the same documents anew, and its in-memory pool was most
of the gigabytes a 50k-document build used.

Postings of one segment are already sorted by (field, term, docnum), and merged segments
get increasing docnum ranges, so the merged stream is a k-way merge of the segments'
streams and the new documents' sorted pool: :class:`MergingWriter` streams it straight to
the new segment, reading each source segment a posting block at a time. Memory stays
flat, nothing is pickled per posting.

:func:`tiered_merge` decides what to merge: segments fall into size classes (powers of
:data:`FACTOR` times :data:`BASE` documents) and a class is merged into one segment once
it holds :data:`FACTOR` segments, so each document is rewritten about log8(N/256) times
and an index keeps a few segments per class.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import Any

from evidence.index.search.whoosh_eval import unwrap_deletions
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

__all__ = ["BASE", "FACTOR", "MergingWriter", "tiered_merge"]

#: segments per size class before the class is merged
FACTOR = 8
#: documents in the smallest size class (about one ingest batch)
BASE = 256

Posting = tuple[str, bytes, int, float, Any]


def _postings(reader: Any) -> Iterator[Posting]:
    """Every live posting of a segment reader, sorted by (field, term, docnum)."""
    for fieldname, btext in reader.all_terms():
        m, deleted = unwrap_deletions(reader.postings(fieldname, btext))
        if type(m) is W3LeafMatcher:
            while m.is_active():
                m._read_ids()
                m._read_weights()
                m._read_values()
                for d, w, v in zip(m._ids, m._weights, m._values, strict=True):
                    if d not in deleted:
                        yield fieldname, btext, d, w, v
                m._next_block()
            continue
        while m.is_active():
            d = m.id()
            if d not in deleted:
                yield fieldname, btext, d, m.weight(), m.value()
            m.next()


class MergingWriter(SegmentWriter):
    """A Whoosh segment writer whose merges stream postings instead of pooling them."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._merging: list[tuple[Any, int, dict[int, int] | None]] = []

    def add_reader(self, reader: Any) -> None:
        # stored fields and columns as Whoosh does; postings later, streamed
        self._check_state()
        basedoc = self.docnum
        indexed = {f for f in reader.indexed_field_names() if f in self.schema}
        docmap = self.write_per_doc(set(self.schema.names()) | indexed, reader)
        self._merging.append((reader, basedoc, docmap))
        self._added = True

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        streams: list[Iterator[Posting]] = [iter(self.pool.iter_postings())]
        for reader, basedoc, docmap in self._merging:
            streams.append(self._process_posts(_postings(reader), basedoc, docmap))
        # new documents come first (lower docnums), each merged segment after the last
        self.fieldwriter.add_postings(self.schema, pdr, heapq.merge(*streams))
        self.fieldwriter.close()
        if pdr:
            pdr.close()
        self._close_readers()

    def _close_segment(self) -> None:
        super()._close_segment()
        self._close_readers()

    def _close_readers(self) -> None:
        for reader, _, _ in self._merging:
            reader.close()
        self._merging = []


def _size_class(docs: int) -> int:
    return int(math.log(max(docs, BASE) / BASE, FACTOR) + 1e-9)


def tiered_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy (Whoosh ``mergetype``) for a :class:`MergingWriter`: merge the
    smallest size class that holds :data:`FACTOR` segments into the segment being
    written; keep the others."""
    classes: dict[int, list[Any]] = {}
    for seg in segments:
        classes.setdefault(_size_class(seg.doc_count()), []).append(seg)
    full = [c for c, segs in classes.items() if len(segs) >= FACTOR]
    if not full:
        return segments
    merge = classes[min(full)]
    for seg in merge:
        # kept open until the writer has streamed its postings (MergingWriter)
        writer.add_reader(SegmentReader(writer.storage, writer.schema, seg))
    chosen = {id(s) for s in merge}
    return [s for s in segments if id(s) not in chosen]
