"""Small but real media files for upload tests: a PDF made by pypdf, an MP4 and a WebM whose container
structure (boxes, EBML elements) says what a real one says: a video track, its size and a duration."""

from __future__ import annotations

import io
import struct

from pypdf import PdfWriter


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full(kind: bytes, flags: int, payload: bytes) -> bytes:
    return _box(kind, bytes([0]) + flags.to_bytes(3, "big") + payload)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mp4(*, width: int = 320, height: int = 240, seconds: int = 5) -> bytes:
    """ftyp, moov (mvhd, one video trak) and mdat: an ISO-BMFF movie with one video track."""
    mvhd = _full(
        b"mvhd",
        0,
        struct.pack(">IIII", 0, 0, 1000, seconds * 1000)
        + struct.pack(">IH", 0x10000, 0x100)
        + b"\0" * 10
        + _MATRIX
        + b"\0" * 24
        + struct.pack(">I", 2),
    )
    tkhd = _full(
        b"tkhd",
        3,
        struct.pack(">IIIII", 0, 0, 1, 0, seconds * 1000)
        + b"\0" * 8
        + struct.pack(">hhhH", 0, 0, 0, 0)
        + _MATRIX
        + struct.pack(">II", width << 16, height << 16),
    )
    mdhd = _full(b"mdhd", 0, struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + struct.pack(">HH", 0x55C4, 0))
    hdlr = _full(b"hdlr", 0, struct.pack(">I", 0) + b"vide" + b"\0" * 12 + b"VideoHandler\0")
    moov = _box(b"moov", mvhd + _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr)))
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    return ftyp + moov + _box(b"mdat", b"\0" * 256)


def _el(ident: bytes, payload: bytes) -> bytes:
    return ident + bytes([0x01]) + len(payload).to_bytes(7, "big") + payload


def _uint(ident: bytes, value: int, n: int = 1) -> bytes:
    return _el(ident, value.to_bytes(n, "big"))


def webm(*, width: int = 320, height: int = 240, seconds: int = 5) -> bytes:
    """An EBML header (doctype webm) and a Segment with Info (a duration) and one VP8 video track."""
    header = _el(
        b"\x1a\x45\xdf\xa3",
        _uint(b"\x42\x86", 1)
        + _uint(b"\x42\xf7", 1)
        + _uint(b"\x42\xf2", 4)
        + _uint(b"\x42\xf3", 8)
        + _el(b"\x42\x82", b"webm")
        + _uint(b"\x42\x87", 2)
        + _uint(b"\x42\x85", 2),
    )
    info = _el(
        b"\x15\x49\xa9\x66",
        _uint(b"\x2a\xd7\xb1", 1_000_000, 3)
        + _el(b"\x44\x89", struct.pack(">d", seconds * 1000.0))
        + _el(b"\x4d\x80", b"tests")
        + _el(b"\x57\x41", b"tests"),
    )
    video = _el(b"\xe0", _uint(b"\xb0", width, 2) + _uint(b"\xba", height, 2))
    entry = _el(
        b"\xae",
        _uint(b"\xd7", 1) + _uint(b"\x73\xc5", 1) + _uint(b"\x83", 1) + _el(b"\x86", b"V_VP8") + video,
    )
    return header + _el(b"\x18\x53\x80\x67", info + _el(b"\x16\x54\xae\x6b", entry))
