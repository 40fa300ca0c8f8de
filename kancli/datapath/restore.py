"""Restore: a snapshot (or one directory of it) back out as a tar stream, with bounded memory.

The manifest is read one tree blob at a time. File data is fetched ahead of the tar writer by a
small thread pool: consecutive blobs stored next to each other in a pack (the usual case, since
a backup packs chunks in stream order) are fetched with one ranged GET, across file boundaries,
so 10,000 small files cost a handful of requests. At most ``restore_window`` bytes are in flight.
Every blob is authenticated and checked against its ID, and every file against the whole-file
hash recorded at backup; a mismatch stops the stream with an error naming the file.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from kancli.datapath.errors import CorruptionError
from kancli.datapath.index import Index
from kancli.datapath.manifest import Entry, EntryType, normalize_path
from kancli.datapath.packs import pack_key
from kancli.datapath.repository import Repository
from kancli.datapath.snapshot import Snapshot
from kancli.datapath.tarstream import ENCODING, END_OF_ARCHIVE, ERRORS, member_header, padding
from kancli.objectstore import ObjectNotFoundError

RECORD = 20 * 512
_RECENT = 4


@dataclass
class _Run:
    """One ranged GET: contiguous blobs of one pack."""

    pack: str
    start: int
    end: int
    future: Future[bytes] | None = None
    uses: int = 0  # planned blob reads not yet done; the fetched bytes are dropped at zero


@dataclass
class _Ref:
    blob_id: bytes
    run: _Run
    offset: int  # inside the pack
    length: int
    raw_length: int
    plain: bytes | None = field(default=None, repr=False)
    uses: int = 0


@dataclass
class _Item:
    """One member to write: the entry as stored, and how it appears in this restore."""

    entry: Entry
    name: bytes
    link: bytes | None = None
    content: Entry | None = None  # the entry whose data to write (differs for a broken link)
    as_file: bool = False
    refs: list[_Ref] = field(default_factory=list)


class _Fetcher:
    """Plans ranged GETs for upcoming items and runs them on a thread pool."""

    def __init__(self, repo: Repository, index: Index) -> None:
        self._repo = repo
        self._index = index
        opts = repo.options
        self._max = opts.restore_request_max
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, opts.restore_concurrency), thread_name_prefix="kancli-restore"
        )
        self._open: _Run | None = None
        self._recent: OrderedDict[bytes, _Ref] = OrderedDict()

    def plan(self, blob_ids: Sequence[bytes]) -> tuple[list[_Ref], int]:
        """Refs for the blobs, and how many new bytes they add to what is in flight."""
        refs: list[_Ref] = []
        added = 0
        for blob_id in blob_ids:
            ref = self._recent.get(blob_id)
            if ref is None:
                ref = self._new_ref(blob_id)
                added += ref.length
                self._recent[blob_id] = ref
                if len(self._recent) > _RECENT:
                    self._recent.popitem(last=False)
            ref.uses += 1
            ref.run.uses += 1
            refs.append(ref)
        return refs, added

    def _new_ref(self, blob_id: bytes) -> _Ref:
        loc = self._index.locate(blob_id)
        run = self._open
        if (
            run is None
            or run.pack != loc.pack
            or run.end != loc.offset
            or run.end + loc.length - run.start > self._max
        ):
            if run is not None:
                self.submit(run)
            run = self._open = _Run(loc.pack, loc.offset, loc.offset)
        run.end += loc.length
        return _Ref(blob_id, run, loc.offset, loc.length, loc.raw_length)

    def submit(self, run: _Run) -> None:
        if run.future is None:
            run.future = self._pool.submit(self._fetch, run)
        if run is self._open:
            self._open = None

    def _fetch(self, run: _Run) -> bytes:
        try:
            return self._repo.store.read(
                pack_key(run.pack), offset=run.start, length=run.end - run.start
            )
        except ObjectNotFoundError as exc:
            raise CorruptionError(f"pack {run.pack} is missing from the repository") from exc

    def decode(self, ref: _Ref) -> bytes:
        plain = ref.plain
        if plain is None:
            self.submit(ref.run)
            assert ref.run.future is not None
            data = ref.run.future.result()
            start = ref.offset - ref.run.start
            sealed = memoryview(data)[start : start + ref.length]
            plain = self._repo.codec.decode_blob(ref.blob_id, sealed, ref.raw_length)
        ref.uses -= 1
        ref.run.uses -= 1
        # Repeated chunks (e.g. the zeros of a sparse file) decode once; memory is released
        # as soon as the last planned read of a ref or a run is done.
        ref.plain = plain if ref.uses > 0 else None
        if ref.run.uses == 0:
            ref.run.future = None
        return plain

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def _select(repo: Repository, index: Index, snapshot: Snapshot, subpath: str) -> Iterator[_Item]:
    """The members to write, renamed relative to ``subpath`` (like ``restic restore id:sub``)."""
    sub = normalize_path(subpath.encode(ENCODING, ERRORS))
    if not sub:
        for entry in repo.iter_entries(index, snapshot):
            yield _Item(entry, entry.path, content=entry)
        return
    # Hard links inside ``sub`` to files outside it need those files' data: find them first.
    outside_targets = set()
    for entry in repo.iter_entries(index, snapshot):
        if entry.type is EntryType.HARDLINK and normalize_path(entry.path)[: len(sub)] == sub:
            target = normalize_path(entry.link)
            if target[: len(sub)] != sub:
                outside_targets.add(target)
    kept_targets: dict[tuple[bytes, ...], Entry] = {}
    materialized: dict[tuple[bytes, ...], bytes] = {}
    for entry in repo.iter_entries(index, snapshot):
        parts = normalize_path(entry.path)
        if parts[: len(sub)] != sub:
            if parts in outside_targets:
                kept_targets[parts] = entry
            continue
        name = b"/".join(parts[len(sub) :]) or b"."
        if entry.type is not EntryType.HARDLINK:
            yield _Item(entry, name, content=entry)
            continue
        target = normalize_path(entry.link)
        if target[: len(sub)] == sub:
            yield _Item(entry, name, link=b"/".join(target[len(sub) :]) or b".")
        elif target in materialized:
            yield _Item(entry, name, link=materialized[target])
        else:
            materialized[target] = name
            yield _Item(entry, name, content=kept_targets.get(target), as_file=True)


def _prefetched(items: Iterator[_Item], fetcher: _Fetcher, window: int) -> Iterator[_Item]:
    """Items with their blob refs planned (and fetching) up to ``window`` bytes ahead."""
    queue: deque[tuple[_Item, int]] = deque()
    in_flight = 0
    for item in items:
        added = 0
        if item.content is not None and item.content.type is EntryType.FILE:
            item.refs, added = fetcher.plan(item.content.chunks)
        queue.append((item, added))
        in_flight += added
        while queue and in_flight > window:
            done, size = queue.popleft()
            in_flight -= size
            yield done
    while queue:
        yield queue.popleft()[0]


def _member(item: _Item) -> Entry:
    if item.as_file:
        if item.content is None:
            raise CorruptionError(
                f"hard link {item.entry.display_path()!r} points to a file missing "
                "from the snapshot"
            )
        source = item.content
        return dataclasses.replace(item.entry, type=EntryType.FILE, size=source.size)
    return item.entry


def _file_data(item: _Item, fetcher: _Fetcher, repo: Repository) -> Iterator[bytes]:
    source = item.content
    assert source is not None
    hasher = repo.keys.hasher()
    written = 0
    try:
        for ref in item.refs:
            data = fetcher.decode(ref)
            hasher.update(data)
            written += len(data)
            yield data
    except CorruptionError as exc:
        raise CorruptionError(
            f"cannot restore {item.name.decode(ENCODING, 'backslashreplace')!r}: {exc}"
        ) from exc
    if written != source.size or (source.hash is not None and hasher.digest() != source.hash):
        raise CorruptionError(
            f"cannot restore {item.name.decode(ENCODING, 'backslashreplace')!r}: its content "
            "does not match the checksum recorded at backup"
        )


def run_restore(repo: Repository, snapshot: Snapshot, subpath: str) -> Iterator[bytes]:
    session = repo.session("restore").start()
    fetcher: _Fetcher | None = None
    try:
        index = repo.load_index(session.condemned)
        fetcher = _Fetcher(repo, index)
        total = 0
        items = _prefetched(
            _select(repo, index, snapshot, subpath), fetcher, repo.options.restore_window
        )
        for item in items:
            member = _member(item)
            header = member_header(member, path=item.name, link=item.link)
            total += len(header)
            yield header
            if member.type is EntryType.FILE:
                for data in _file_data(item, fetcher, repo):
                    total += len(data)
                    yield data
                pad = padding(member.size)
                total += len(pad)
                yield pad
        total += len(END_OF_ARCHIVE)
        yield END_OF_ARCHIVE + b"\0" * (-total % RECORD)
    finally:
        if fetcher is not None:
            fetcher.close()
        session.close()
