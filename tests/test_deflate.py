"""A page compressed once, each response's CSRF token put in without compressing again."""

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careerpath.deflate import _RUN, TOKEN_LENGTH, accepts_deflate, pack

GAP = b"csrf-token-placeholder"
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
tokens = st.text(ALPHABET, min_size=TOKEN_LENGTH, max_size=TOKEN_LENGTH).map(str.encode)
# Any page text, control bytes too.
pieces = st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200), max_size=12)


def row(number: int) -> bytes:
    return (
        f'<li id="skill-{number}"><form method="post" action="/track/s-{number}/">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{GAP.decode()}">'
        '<select name="status"><option value="not_started" selected>Not started</option>'
        '<option value="learning">Learning</option></select></form></li>\n'
    ).encode()


def test_a_page_of_rows_inflates_with_the_token_and_stays_small():
    page = b"<ul>" + b"".join(row(n) for n in range(300)) + b"</ul>"
    packed = pack(page, GAP)
    token = b"Q" * 32 + b"z" * 32
    assert zlib.decompress(packed.deflated(token)) == page.replace(GAP, token)
    assert packed.inflated(token) == page.replace(GAP, token)
    assert len(packed.chunks) == 2  # one gap: the later tokens are copies of the first
    # As small as compressing the finished page: the token is stored once.
    assert len(packed.deflated(token)) < len(zlib.compress(page.replace(GAP, token), 1)) + 100


@given(parts=pieces, token=tokens)
def test_any_page_inflates_to_itself_with_any_token(parts, token):
    page = GAP.join(part.encode() for part in parts)
    packed = pack(page, GAP)
    assert packed is not None
    assert zlib.decompress(packed.deflated(token)) == page.replace(GAP, token)


def test_runs_the_compressor_does_not_copy_whole_are_each_filled():
    page = GAP + b"x" + GAP + GAP
    packed = pack(page, GAP)
    assert len(packed.chunks) == 4  # every run cut out and filled
    token = bytes(range(65, 65 + TOKEN_LENGTH))
    assert packed.inflated(token) == token + b"x" + token + token


def test_a_page_without_a_gap_needs_no_token():
    packed = pack(b"<p>No form here.</p>", GAP)
    assert packed.runs == 0
    assert packed.inflated() == b"<p>No form here.</p>"


def test_the_run_is_copied_only_from_the_same_place():
    threes = [_RUN[i : i + 3] for i in range(TOKEN_LENGTH - 2)]
    assert len(_RUN) == TOKEN_LENGTH and len(set(threes)) == len(threes)
    assert _RUN.count(_RUN[:1]) == _RUN.count(_RUN[-1:]) == 1
    assert all(byte < 0x20 and byte not in b"\0\t\n\x0c\r" for byte in _RUN)


def test_a_page_holding_the_runs_bytes_is_never_served_wrong():
    page = b"<p>" + _RUN + GAP + _RUN[:40] + GAP + b"</p>"
    packed = pack(page, GAP)
    token = bytes(range(48, 48 + TOKEN_LENGTH))
    assert packed is None or packed.inflated(token) == page.replace(GAP, token)  # never wrong


def test_a_token_of_another_length_is_refused():
    with pytest.raises(ValueError, match="64 bytes"):
        pack(b"<p>" + GAP + b"</p>", GAP).deflated(b"short")


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", True),  # Chromium and Firefox
        ("gzip, deflate, br", True),  # Safari
        ("DEFLATE;q=0.5", True),
        ("*", True),
        ("gzip, *;q=0.1", True),
        ("", False),
        ("gzip", False),
        ("identity", False),
        ("deflate;q=0", False),
        ("deflate;q=0.0, *", False),
        ("*;q=0, gzip", False),
        ("deflate;q=lots", False),
        ("de flate", False),
    ],
)
def test_accept_encoding_is_read_with_its_qualities(header, accepted):
    assert accepts_deflate(header) is accepted
