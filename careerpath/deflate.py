"""A page compressed once and served compressed to every browser, each response with its
own CSRF token, without compressing again.

HTTP's `deflate` content coding is the zlib format (RFC 1950: a deflate stream and an
Adler-32 checksum). The page is compressed with a *run* of control bytes, as long as a
token, where each token goes, and a sync flush on both sides of the first run: that
run's compressed bytes are cut out, leaving a gap, and a response fills it with a stored
(uncompressed) deflate block holding its token. The later runs come out as the token
too, because the compressor codes them as copies of earlier runs:

- A run's bytes never occur in a page's text, and no three bytes of it occur twice in
  it (nor its first or its last byte), so a copy that takes in any part of a run can
  only come from the same place in an earlier run. Tokens are as long as runs, so every
  distance in the stream still holds.
- `pack()` proves the stream before it is used: unpacked with two tokens that differ at
  every position and hold no byte twice, each output byte can only be the token's byte
  meant for it. If a page's stream does not prove right (a page holding those control
  bytes, say), every run is cut out and filled (the token's size for each run), and
  failing that the page is not packed.
- Adler-32 is linear in the bytes: the page's checksum with the runs in it is kept, and
  each response adds the difference its token's bytes make at the runs' positions.
- The token is never compressed together with the page, so the compressed size says
  nothing about it (BREACH), and Django still masks it afresh for every response.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

TOKEN_LENGTH = 64  # django.middleware.csrf.CSRF_TOKEN_LENGTH: every masked token
# Control bytes: \x01, then twenty times "\x03\x04" and one more, then \x02.
_MIDDLES = (*range(0x05, 0x09), 0x0B, *range(0x0E, 0x1D))
_RUN = b"\x01\x03\x04" + b"".join(b"\x03\x04" + bytes([c]) for c in _MIDDLES) + b"\x02"
_RUN_SUM = sum(_RUN)
_RUN_WEIGHTED = sum(i * byte for i, byte in enumerate(_RUN))
_STORED = b"\0" + struct.pack("<HH", TOKEN_LENGTH, 0xFFFF ^ TOKEN_LENGTH)  # block header
_LEVEL = 4  # the fastest zlib level that indexes every string inside a long match,
# so a run can be copied from the run before it however the text around it was matched
_MOD = 65521  # Adler-32's modulus
_DISTINCT = bytes(range(0x30, 0x30 + TOKEN_LENGTH))
_PROOF = (_DISTINCT, _DISTINCT[1:] + _DISTINCT[:1])  # no byte twice; differ everywhere
_CODING = re.compile(r"^\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


@dataclass(frozen=True, slots=True)
class Packed:
    """A page compressed in chunks, with gaps for a token."""

    chunks: tuple[bytes, ...]  # the stream in pieces, a gap between each two
    runs: int  # tokens in the page
    a: int  # the two halves of Adler-32 over the page with the runs in it
    b: int
    length: int  # of the whole page
    offsets: int  # the sum of the runs' positions

    def deflated(self, token: bytes = b"") -> bytes:
        """The page with `token` in every gap, in the zlib format."""
        if not self.runs:
            return self.chunks[0] + struct.pack(">I", (self.b << 16) | self.a)
        if len(token) != TOKEN_LENGTH:
            raise ValueError(f"a token is {TOKEN_LENGTH} bytes, not {len(token)}")
        total = sum(token) - _RUN_SUM  # what the token adds over the run it replaces
        weighted = sum(i * byte for i, byte in enumerate(token)) - _RUN_WEIGHTED
        a = (self.a + self.runs * total) % _MOD
        b = (
            self.b + total * (self.runs * self.length - self.offsets) - self.runs * weighted
        ) % _MOD
        return (_STORED + token).join(self.chunks) + struct.pack(">I", (b << 16) | a)

    def inflated(self, token: bytes = b"") -> bytes:
        """The page with `token` in every gap, as it is (the checksum checked)."""
        return zlib.decompress(self.deflated(token))


def pack(html: bytes, gap: bytes) -> Packed | None:
    """`html` compressed with a token's gap wherever `gap` is (None if no stream proves
    right)."""
    pieces = html.split(gap)
    for cut_every_run in (False, True):
        packed = _pack(pieces, cut_every_run)
        if all(_proves(packed, pieces, token) for token in _PROOF):
            return packed
    return None


def _proves(packed: Packed, pieces: list[bytes], token: bytes) -> bool:
    try:
        return packed.inflated(token) == token.join(pieces)
    except zlib.error:  # a wrong byte shows as a wrong checksum
        return False


def _pack(pieces: list[bytes], cut_every_run: bool) -> Packed:
    compressor = zlib.compressobj(_LEVEL)
    chunks, chunk = [], b""
    for number, piece in enumerate(pieces[:-1]):
        chunk += compressor.compress(piece)
        if number and not cut_every_run:
            chunk += compressor.compress(_RUN)
            continue
        chunks.append(chunk + compressor.flush(zlib.Z_SYNC_FLUSH))
        compressor.compress(_RUN)
        compressor.flush(zlib.Z_SYNC_FLUSH)  # the run's own output is cut out
        chunk = b""
    chunks.append((chunk + compressor.compress(pieces[-1]) + compressor.flush())[:-4])
    with_runs = _RUN.join(pieces)
    checksum = zlib.adler32(with_runs)
    offsets, position = 0, 0
    for piece in pieces[:-1]:
        position += len(piece)
        offsets += position
        position += TOKEN_LENGTH
    return Packed(
        chunks=tuple(chunks),
        runs=len(pieces) - 1,
        a=checksum & 0xFFFF,
        b=checksum >> 16,
        length=len(with_runs),
        offsets=offsets,
    )


def accepts_deflate(accept_encoding: str) -> bool:
    """Does an Accept-Encoding header admit `deflate` (RFC 9110, section 12.5.3)?"""
    wildcard = None
    for item in accept_encoding.split(","):
        match = _CODING.match(item)
        if not match:
            continue
        coding, quality = match.group(1).lower(), match.group(2)
        try:
            acceptable = quality is None or float(quality) > 0
        except ValueError:
            acceptable = False
        if coding == "deflate":
            return acceptable
        if coding == "*":
            wildcard = acceptable
    return bool(wildcard)
