"""Reading a CSV file: its rows with their line numbers, its checksum, its progress."""

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from typing import IO, Any

from salaries.importing.report import RowError

PROGRESS_EVERY = 2_000  # rows

Progress = Callable[[str, int, int], None]  # (phase, bytes done, bytes in all)


class HashingReader(io.RawIOBase):
    """Reads a binary file, hashing and counting the bytes; never closes the file."""

    def __init__(self, raw: IO[bytes], hashing: bool) -> None:
        self.raw = raw
        self.hash = hashlib.sha256() if hashing else None
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if self.hash is not None:
            self.hash.update(data)
        self.bytes_read += n
        return n

    def close(self) -> None:  # the caller owns the file
        pass


def checksum(file: IO[bytes]) -> str:
    """The file's SHA-256, its bytes read once (no parsing); the file is left at its start."""
    file.seek(0)
    digest = hashlib.sha256()
    while chunk := file.read(1 << 20):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class CsvRows:
    """The non-blank rows of a UTF-8 CSV file, from its start, as (line, cells).

    Streaming: memory stays flat whatever the file's size. With `hashing`, `checksum` is
    the SHA-256 of the bytes read. A file that is not UTF-8 or not CSV ends the rows early,
    with the reason in `error`.
    """

    def __init__(
        self,
        file: IO[bytes],
        *,
        hashing: bool = False,
        phase: str = "",
        progress: Progress | None = None,
    ) -> None:
        self.file = file
        self.reader = HashingReader(file, hashing)
        self.phase = phase
        self.progress = progress
        self.error: RowError | None = None

    @property
    def checksum(self) -> str:
        """The SHA-256 of the bytes read so far ("" without hashing)."""
        return self.reader.hash.hexdigest() if self.reader.hash is not None else ""

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        self.file.seek(0, io.SEEK_END)
        total = self.file.tell()
        self.file.seek(0)
        text = io.TextIOWrapper(
            io.BufferedReader(self.reader, 1 << 16), encoding="utf-8-sig", newline=""
        )
        rows = csv.reader(text, strict=True)
        count = 0
        try:
            for cells in rows:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                count += 1
                if self.progress and count % PROGRESS_EVERY == 0:
                    self.progress(self.phase, self.reader.bytes_read, total)
                yield rows.line_num, cells
        except UnicodeDecodeError:
            self.error = RowError(rows.line_num + 1, "", "", "the file is not UTF-8 text")
        except csv.Error as exc:
            self.error = RowError(rows.line_num, "", "", f"not valid CSV ({exc})")
        if self.progress:
            self.progress(self.phase, total, total)
