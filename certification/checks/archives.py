"""Read the snapshot's stored files and walk the members of zip archives within safe limits."""

import bz2
import io
import logging
import mmap
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from certification.checks.base import Finding
from offers.constants import package_max_uncompressed_bytes

ZIP_CONTENT_TYPE = "application/zip"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
NESTED_ZIP_DEPTH = 1  # zips inside a zip are opened; zips inside those are scanned only as bytes
RATIO_FLOOR_BYTES = 1024 * 1024  # small members may compress extremely well without being a bomb
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
# Errors zipfile raises for damaged, encrypted or unsupported members.
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)

# Operators are alerted through this logger (settings.LOGGING); the publisher never reads what it says.
logger = logging.getLogger(__name__)


class FileUnreadable(Exception):
    """A stored file of the snapshot could not be read: our failure, not the publisher's.

    Its text names the storage's error, for the logs and the operators only.
    """


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_ratio: int
    max_total_bytes: int


def archive_limits() -> ArchiveLimits:
    """Return the limits a package must keep, read from settings at call time."""
    return ArchiveLimits(
        max_members=getattr(settings, "PACKAGE_MAX_MEMBERS", 1000),
        max_ratio=getattr(settings, "PACKAGE_MAX_COMPRESSION_RATIO", 100),
        max_total_bytes=package_max_uncompressed_bytes(),
    )


@contextmanager
def snapshot_file_open(ctx, file_id) -> Iterator[IO[bytes]]:
    """Open a stored file of the snapshot through the storage, at its start; FileUnreadable when storage fails us.

    The handle is seekable: object storage backends download the object into a spooled temporary file of their own
    (in memory while small), removed when the handle closes, so zipfile reads an archive in place.
    """
    with ExitStack() as stack:
        try:
            handle = stack.enter_context(ctx.open_file(file_id))
            handle.seek(0)  # object storage fetches the object on first access: fail here, not half-way through
        except Exception as error:  # every storage backend raises its own errors (OSError, Azure's, botocore's)
            raise FileUnreadable(f"file {file_id}: {error.__class__.__name__}: {error}") from error
        yield handle


def unreadable_finding(ctx, error: Exception, code: str, message: str, **where) -> Finding:
    """Return the system finding for a stored file we could not read or scan; the detail goes to the logs and operators.

    ``message`` says in plain words what could not be done; paths, host names and the storage's error never reach
    the publisher. ``where`` holds the finding's policy, page and field.
    """
    logger.error("submission %s: %s: %s", ctx.submission_id, code, error)
    return Finding(code, message, system=True, **where)


def looks_like_zip(head: bytes, content_type: str = "") -> bool:
    """Return whether a file is a zip archive, by its first bytes or the type the upload was stored as."""
    return content_type == ZIP_CONTENT_TYPE or head[:4] in ZIP_MAGIC


def file_looks_like_zip(handle: IO[bytes], content_type: str = "") -> bool:
    """Return whether an open file is a zip archive; the handle is left at its start."""
    head = handle.read(4)
    handle.seek(0)
    return looks_like_zip(head, content_type)


def is_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & 0x1)


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def is_unsafe_path(name: str) -> bool:
    """Return whether extracting an entry of this name could write outside the target folder."""
    if name.startswith(("/", "\\")) or "\\" in name or _DRIVE_LETTER.match(name) or "\x00" in name:
        return True
    return ".." in name.split("/")


def compression_ratio(info: zipfile.ZipInfo) -> float:
    return info.file_size / max(info.compress_size, 1)


def is_bomb_member(info: zipfile.ZipInfo, limits: ArchiveLimits) -> bool:
    """Return whether a member expands suspiciously: past the size limit, or by more than the allowed ratio."""
    if info.file_size > limits.max_total_bytes:
        return True
    return info.file_size > RATIO_FLOOR_BYTES and compression_ratio(info) > limits.max_ratio


@dataclass(frozen=True)
class ArchiveMember:
    """A member of an archive; ``data`` is None when it could not be read and ``problem`` says why."""

    path: str
    data: bytes | None = None
    problem: str = ""


class _Budget:
    """The bytes still allowed to be decompressed in one walk of an archive and its nested archives."""

    def __init__(self, total: int):
        self.left = total

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        if info.file_size > self.left:
            return None
        with archive.open(info) as handle:
            data = handle.read(self.left + 1)
        if len(data) > self.left:
            return None
        self.left -= len(data)
        return data


def archive_members(source: bytes | IO[bytes], *, limits: ArchiveLimits | None = None) -> Iterator[ArchiveMember]:
    """Yield every file member of a zip (its bytes, or a seekable file), then those of zips nested one level down.

    Reading stops once the archive has expanded to the limit: a member over it is yielded with a problem.
    Raises zipfile.BadZipFile when ``source`` is not a readable zip at all.
    """
    limits = limits or archive_limits()
    budget = _Budget(limits.max_total_bytes)
    yield from _walk(io.BytesIO(source) if isinstance(source, bytes) else source, "", budget, depth=0)


def _walk(source: IO[bytes], prefix: str, budget: _Budget, *, depth: int) -> Iterator[ArchiveMember]:
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            path = f"{prefix}{info.filename}"
            if is_encrypted(info):
                yield ArchiveMember(path, problem=_("it is encrypted"))
                continue
            try:
                content = budget.read(archive, info)
            except READ_ERRORS:
                yield ArchiveMember(path, problem=_("it is damaged or uses an unsupported compression"))
                continue
            if content is None:
                yield ArchiveMember(path, problem=_("the archive expands beyond the size limit"))
                return
            yield ArchiveMember(path, content)
            if depth < NESTED_ZIP_DEPTH and content[:4] in ZIP_MAGIC:
                try:
                    yield from _walk(io.BytesIO(content), f"{path}/", budget, depth=depth + 1)
                except zipfile.BadZipFile:
                    yield ArchiveMember(f"{path}/", problem=_("the nested archive is damaged"))


def member_text(data: bytes) -> str | None:
    """Return a member's content as text, or None when it is binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# -- Zip archives embedded anywhere in a file ---------------------------------------------------------------------
#
# The malware scan does not trust a file's first bytes, its name or its type: it looks for the local file header of a
# zip member (``PK\x03\x04``) at every offset of every file, so a zip appended to a PNG, hidden in the middle of a PDF
# or stored inside another zip is opened all the same, without its central directory (which may be missing or lie).
# Members are decompressed (stored, deflate, bzip2) and searched again for headers, down to EMBEDDED_ZIP_DEPTH
# archives deep. Limits: the uncompressed bytes of one file's walk (the package limit, settings), its members
# (PACKAGE_MAX_MEMBERS), and the depth; a file that goes past one is reported as not fully scannable, never as clean.

LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # signature, version, flags, method, time, date, crc, sizes, lengths
LOCAL_MAGIC = b"PK\x03\x04"
DESCRIPTOR_MAGIC = b"PK\x07\x08"
EMBEDDED_ZIP_DEPTH = 4  # a zip in a zip in a zip in a zip (in any file) is opened; deeper ones are reported
NAME_MAX_BYTES = 4096
INFLATE_CHUNK_BYTES = 256 * 1024
STORED, DEFLATED, BZIP2 = 0, 8, 12
UNSUPPORTED_METHODS = {9, 14, 93, 95, 96, 97, 98, 99}  # deflate64, LZMA, zstd, xz, jpeg, wavpack, ppmd, AES
FLAG_ENCRYPTED, FLAG_DESCRIPTOR, FLAG_UTF8 = 0x1, 0x8, 0x800


class _OverBudget(Exception):
    pass


class _NotAMember(Exception):
    """The bytes at this offset only look like a member's header."""


@dataclass
class _Walk:
    budget: _Budget
    members_left: int
    stopped: bool = False


def embedded_members(source: bytes | IO[bytes], *, limits: ArchiveLimits | None = None) -> Iterator[ArchiveMember]:
    """Yield every member of every zip archive embedded anywhere in ``source``, and in its members, recursively.

    ``source`` is bytes or a real file (it is memory-mapped, not read into memory). A member that cannot be read is
    yielded with a ``problem``; so is the place where a limit stopped the walk. Headers found inside a file that is
    not a zip are only trusted when they decode: random bytes that happen to look like a header are skipped.
    """
    limits = limits or archive_limits()
    walk = _Walk(_Budget(limits.max_total_bytes), limits.max_members)
    if isinstance(source, bytes):
        yield from _carve(source, "", walk, depth=1, strict=source[:4] in ZIP_MAGIC)
        return
    source.seek(0, io.SEEK_END)
    if not source.tell():
        return
    source.seek(0)
    head = source.read(4)
    source.seek(0)
    with mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        yield from _carve(mapped, "", walk, depth=1, strict=head in ZIP_MAGIC)


def _carve(buf, prefix: str, walk: _Walk, *, depth: int, strict: bool) -> Iterator[ArchiveMember]:
    offset = buf.find(LOCAL_MAGIC)
    while offset != -1 and not walk.stopped:
        try:
            path, content, end, problem = _member_at(buf, offset, walk)
        except _NotAMember:
            offset = buf.find(LOCAL_MAGIC, offset + 4)
            continue
        except (zlib.error, OSError, EOFError, ValueError) as error:
            logger.debug("zip header at %d does not decode: %s", offset, error)
            if strict:
                yield ArchiveMember(f"{prefix}{_header_name(buf, offset)}", problem=_("it is damaged"))
            offset = buf.find(LOCAL_MAGIC, offset + 4)
            continue
        except _OverBudget:
            walk.stopped = True
            yield ArchiveMember(
                f"{prefix}{_header_name(buf, offset)}", problem=_("the archive expands beyond the size limit")
            )
            return
        if depth > EMBEDDED_ZIP_DEPTH:
            too_deep = _("it holds archives nested more than %(n)d deep") % {"n": EMBEDDED_ZIP_DEPTH}
            yield ArchiveMember(prefix.rstrip("/") or "/", problem=too_deep)
            return
        walk.members_left -= 1
        if walk.members_left < 0:
            walk.stopped = True
            yield ArchiveMember(prefix or "/", problem=_("it holds more archive members than the scan opens"))
            return
        if problem:
            yield ArchiveMember(f"{prefix}{path}", problem=problem)
        elif not path.endswith("/"):
            yield ArchiveMember(f"{prefix}{path}", content)
            if LOCAL_MAGIC in content:
                yield from _carve(content, f"{prefix}{path}/", walk, depth=depth + 1, strict=content[:4] in ZIP_MAGIC)
        offset = buf.find(LOCAL_MAGIC, max(end, offset + 4))


def _header_name(buf, offset: int) -> str:
    name_length = int.from_bytes(buf[offset + 26 : offset + 28], "little")
    raw = bytes(buf[offset + 30 : offset + 30 + min(name_length, NAME_MAX_BYTES)])
    return raw.decode("utf-8", "replace") or "?"


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int]:
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, position)
        if kind == 0x0001:
            field = extra[position + 4 : position + 4 + length]
            values = [int.from_bytes(field[i : i + 8], "little") for i in range(0, len(field) - 7, 8)]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
        position += 4 + length
    return usize, csize


def _member_at(buf, offset: int, walk: _Walk) -> tuple[str, bytes, int, str]:
    """Read the member whose local header starts at ``offset``: (name, content, end of its data, problem)."""
    if offset + LOCAL_HEADER.size > len(buf):
        raise _NotAMember
    _sig, _version, flags, method, _t, _d, _crc, csize, usize, name_length, extra_length = LOCAL_HEADER.unpack_from(
        buf, offset
    )
    start = offset + LOCAL_HEADER.size + name_length + extra_length
    if not 0 < name_length <= NAME_MAX_BYTES or start > len(buf):
        raise _NotAMember
    if method not in (STORED, DEFLATED, BZIP2) and method not in UNSUPPORTED_METHODS:
        raise _NotAMember
    raw_name = bytes(buf[offset + LOCAL_HEADER.size : offset + LOCAL_HEADER.size + name_length])
    name = raw_name.decode("utf-8" if flags & FLAG_UTF8 else "cp437", "replace")
    if any(not char.isprintable() for char in name):
        raise _NotAMember
    extra = bytes(buf[start - extra_length : start])
    usize, csize = _zip64_sizes(extra, usize, csize)
    if flags & FLAG_ENCRYPTED:
        return name, b"", start + csize, _("it is encrypted")
    if method in UNSUPPORTED_METHODS:
        return name, b"", start + csize, _("it uses an unsupported compression")
    if method == STORED:
        if flags & FLAG_DESCRIPTOR and csize == 0:
            found = buf.find(DESCRIPTOR_MAGIC, start)
            csize = (found if found != -1 else len(buf)) - start
        if start + csize > len(buf):
            raise EOFError("the stored member ends after the file")
        if csize > walk.budget.left:
            raise _OverBudget
        content = bytes(buf[start : start + csize])
        walk.budget.left -= len(content)
        return name, content, start + csize, ""
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS) if method == DEFLATED else bz2.BZ2Decompressor()
    content, end = _inflate(buf, start, decompressor, walk.budget)
    return name, content, end, ""


def _inflate(buf, start: int, decompressor, budget: _Budget) -> tuple[bytes, int]:
    """Decompress a deflate or bzip2 stream from ``start`` up to its end marker (the header's sizes may lie)."""
    out = bytearray()
    position = start
    pending = b""
    zlib_style = hasattr(decompressor, "unconsumed_tail")
    while not decompressor.eof:
        if not pending and (zlib_style or decompressor.needs_input):
            if position >= len(buf):
                raise EOFError("the compressed stream ends early")
            pending = bytes(buf[position : position + INFLATE_CHUNK_BYTES])
            position += len(pending)
        room = budget.left + 1 - len(out)
        if zlib_style:
            out += decompressor.decompress(pending, room)
            pending = decompressor.unconsumed_tail
        else:
            out += decompressor.decompress(pending, max_length=room)
            pending = b""
        if len(out) > budget.left:
            raise _OverBudget
    budget.left -= len(out)
    return bytes(out), position - len(decompressor.unused_data) - len(pending)
