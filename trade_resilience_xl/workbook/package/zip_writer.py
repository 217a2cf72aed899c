"""A minimal, deterministic zip writer that can copy members without recompressing them.

Python's ``zipfile`` can only copy a member by inflating and deflating it again: for the
80 MB Data sheet of a 100,000-row workbook that is seconds of CPU for bytes that do not
change. Here a member of the source archive is copied as its compressed bytes (same
CRC, same sizes), so a refresh spends nothing on the parts it keeps. New members are
deflated at a fixed level (a lower one for the large parts written as a stream). Every
entry gets the same fixed timestamp and no file attributes, so the archive depends only on
its content.

Only what OOXML packages need: stored or deflated members, no encryption, no zip64 (the
archive limits in ``file_safety`` keep packages far below 4 GiB).
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from typing import IO

from trade_resilience_xl.workbook.package.helper_thread import Helper

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
# 1980-01-01 00:00:00, the earliest date a zip entry can carry: the conventional "no
# real timestamp" (any fixed value would do; a real one would make bytes differ per run).
_DOS_TIME, _DOS_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1
_VERSION = 20                      # 2.0: deflate; "made by" MS-DOS (high byte 0), as Office
_UTF8_NAME = 0x800
LEVEL = 6
# Parts written as a stream are the large ones (a county panel's result sheets, 70 MB of XML
# each): level 1 deflates them twice as fast for about a fifth more bytes.
STREAM_LEVEL = 1
_COPY_CHUNK = 1024 * 1024
_LIMIT = 0xFFFFFFFF


class ZipWriter:
    """Write members one after another to a seekable binary file, then ``close()``."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.central: list[bytes] = []

    def _header(self, name: str, method: int, crc: int, compressed: int, size: int) -> None:
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        if max(compressed, size, self.out.tell()) >= _LIMIT:
            raise ValueError(f"part {name} is beyond the 4 GiB a plain zip can hold")
        offset = self.out.tell()
        self.out.write(_LOCAL.pack(0x04034B50, _VERSION, flags, method, _DOS_TIME, _DOS_DATE,
                                   crc, compressed, size, len(encoded), 0) + encoded)
        self.central.append(_CENTRAL.pack(
            0x02014B50, _VERSION, _VERSION, flags, method, _DOS_TIME, _DOS_DATE, crc,
            compressed, size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)

    def write(self, name: str, data: bytes | Iterable[bytes]) -> None:
        """A new member holding ``data`` (bytes, or pieces of bytes compressed one by one
        as they come, so the whole part is never in memory), deflated."""
        if isinstance(data, bytes):
            compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
            packed = compressor.compress(data) + compressor.flush()
            self._header(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(packed), len(data))
            self.out.write(packed)
        else:
            self._deflated(name, data, STREAM_LEVEL)

    def copy(self, source: zipfile.ZipFile, raw: IO[bytes], info: zipfile.ZipInfo) -> None:
        """Member ``info`` of ``source`` (whose file is open as ``raw``), copied as its
        compressed bytes; a member stored with another method is inflated by zipfile and
        deflated again, as a stream."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
                or info.flag_bits & 0x1:
            self._recompress(source, info)
            return
        raw.seek(info.header_offset)
        local = raw.read(_LOCAL.size)
        name_length, extra_length = struct.unpack("<HH", local[26:30])
        raw.seek(info.header_offset + _LOCAL.size + name_length + extra_length)
        self._header(info.filename, info.compress_type, info.CRC, info.compress_size,
                     info.file_size)
        left = info.compress_size
        while left:
            chunk = raw.read(min(left, _COPY_CHUNK))
            if not chunk:
                raise zipfile.BadZipFile(f"part {info.filename} is cut short")
            self.out.write(chunk)
            left -= len(chunk)

    def _recompress(self, source: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        with source.open(info) as stream:
            self._deflated(info.filename, iter(lambda: stream.read(_COPY_CHUNK), b""), LEVEL)

    def _deflated(self, name: str, pieces: Iterable[bytes], level: int) -> None:
        """A member deflated as a stream; its header is rewritten once the sizes are known."""
        start = self.out.tell()
        self._header(name, zipfile.ZIP_DEFLATED, 0, 0, 0)
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        crc = size = packed = 0

        # zlib lets go of the GIL while it works: one piece is deflated in a helper thread
        # while the next is being made (the sheet XML), so a second core is not idle.
        # In order: a piece is handed over only once the one before it is done.
        with Helper() as helper:
            pending = None
            for chunk in pieces:
                if pending is not None:
                    out = pending.result()
                    packed += len(out)
                    self.out.write(out)
                crc, size = zlib.crc32(chunk, crc), size + len(chunk)
                pending = helper.submit(compressor.compress, chunk)
            if pending is not None:
                out = pending.result()
                packed += len(out)
                self.out.write(out)
        tail = compressor.flush()
        packed += len(tail)
        self.out.write(tail)
        end = self.out.tell()
        self.out.seek(start)
        self.central.pop()
        self._header(name, zipfile.ZIP_DEFLATED, crc, packed, size)
        self.out.seek(end)

    def close(self) -> None:
        start = self.out.tell()
        directory = b"".join(self.central)
        self.out.write(directory)
        count = len(self.central)
        self.out.write(_END.pack(0x06054B50, 0, 0, count, count, len(directory), start, 0))
