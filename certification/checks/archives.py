"""Read the snapshot's stored files and walk the members of zip archives within safe limits."""

import io
import logging
import re
import stat
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
