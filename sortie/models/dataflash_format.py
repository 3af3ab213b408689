"""ArduPilot's DataFlash binary log format (``.bin``), parsed from its description.

The format (ArduPilot, ``libraries/AP_Logger/README.md`` "Format Types" and the format
character table at the top of ``libraries/AP_Logger/LogStructure.h``; read here only to learn
the format): a log is a sequence of messages, each the two bytes ``0xA3 0x95``, a message type
byte and a packed little-endian payload. Type 128, ``FMT`` (payload ``BBnNZ``: type, length in
bytes including the 3 header bytes, name char[4], format char[16], comma-separated column
names char[64]; 89 bytes in all), defines every type, itself first. Each format character is
one column:

=====  ====================  =====  =============================================
``a``  int16[32]             ``N``  char[16]
``b``  int8                  ``Z``  char[64]
``B``  uint8                 ``c``  int16, value x 100 (legacy: centi-units)
``h``  int16                 ``C``  uint16, value x 100 (legacy)
``H``  uint16                ``e``  int32, value x 100 (legacy)
``i``  int32                 ``E``  uint32, value x 100 (legacy)
``I``  uint32                ``L``  int32, latitude or longitude x 1e7 (degrees)
``f``  float32               ``M``  uint8, flight mode number
``d``  float64               ``q``  int64
``n``  char[4]               ``Q``  uint64
``g``  float16 (newer logs)
=====  ====================  =====  =============================================

:func:`scan` finds where each message starts with one pass over the bytes that reads only
each message's type byte (a message's length is its type's: the walk cannot be vectorised,
but it does nothing per message but look up that length); ``FMT`` messages are unpacked on the
way. Bytes that do not start with ``0xA3 0x95`` are skipped up to the next pair (damage, or
padding of block-based logs); a message whose type no ``FMT`` defined ends the walk (after
damage nothing tells where the next message starts), and so does a message cut off by the
file's end. :meth:`DataFlashLog.columns` then decodes one type's messages at once: their
payload bytes are gathered with numpy into one array of that type's structured dtype (in
chunks, to bound memory), and the wanted columns come out scaled (``c C e E`` / 100, ``L``
x 1e-7) as floats. ``benchmarks/bench_dataflash.py`` measures it: a built log of 2 million
messages (88 MB) is walked in about 1 s and read into a flight record in under 2 s on one core.

Why not ``pymavlink``'s ``DFReader``: its file header says GPL-3.0-or-later while the package
says LGPL-3.0 (an open question upstream, ArduPilot/pymavlink issue #1258), and this much of
the format is a page of code.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

HEADER = b"\xa3\x95"
FMT_TYPE = 0x80
# FMT's own message: 3 header bytes + type, length, name[4], format[16], columns[64].
FMT_LENGTH = 89
_FMT_PAYLOAD = struct.Struct("<BB4s16s64s")
HEADER_BYTES = 3
# Records gathered at once when decoding (bytes): bounds the index array numpy builds.
_GATHER_BYTES = 4_000_000


@dataclass(frozen=True)
class FormatCharacter:
    """What one format character stores: its numpy type and the factor from the stored
    integer to the value (``c`` stores centi-units: 0.01)."""

    dtype: str
    scale: float = 1.0

    @property
    def is_text(self) -> bool:
        return np.dtype(self.dtype).kind == "S"


FORMAT_CHARACTERS = {
    "a": FormatCharacter("(32,)<i2"),
    "b": FormatCharacter("<i1"),
    "B": FormatCharacter("<u1"),
    "h": FormatCharacter("<i2"),
    "H": FormatCharacter("<u2"),
    "i": FormatCharacter("<i4"),
    "I": FormatCharacter("<u4"),
    "f": FormatCharacter("<f4"),
    "d": FormatCharacter("<f8"),
    "g": FormatCharacter("<f2"),
    "n": FormatCharacter("S4"),
    "N": FormatCharacter("S16"),
    "Z": FormatCharacter("S64"),
    "c": FormatCharacter("<i2", 0.01),
    "C": FormatCharacter("<u2", 0.01),
    "e": FormatCharacter("<i4", 0.01),
    "E": FormatCharacter("<u4", 0.01),
    "L": FormatCharacter("<i4", 1e-7),
    "M": FormatCharacter("<u1"),
    "q": FormatCharacter("<i8"),
    "Q": FormatCharacter("<u8"),
}


class DataFlashFormatError(ValueError):
    """A message type that cannot be decoded as its ``FMT`` defines it (the reader names the
    file)."""


class Stop(StrEnum):
    """Why :func:`scan` stopped."""

    END = "end"  # the last message ends the file (or only unreadable bytes follow it)
    CUT = "cut"  # the last message is cut off by the file's end
    UNDEFINED_TYPE = "undefined type"  # a message of a type no FMT defined (damage)


@dataclass(frozen=True)
class MessageType:
    """One message type as an ``FMT`` message defines it (``length`` includes the 3 header
    bytes)."""

    type_id: int
    name: str
    length: int
    format: str
    columns: tuple[str, ...]

    def format_of(self, column: str) -> str:
        """The format character of ``column`` ("" where it has none)."""
        if column in self.columns:
            index = self.columns.index(column)
            return self.format[index] if index < len(self.format) else ""
        return ""

    def dtype(self) -> np.dtype:
        """The payload as a numpy structured dtype, fields ``c0, c1, ...`` by column index.
        Raises :class:`DataFlashFormatError` for a character the format does not have, or
        a format longer than the type's length."""
        names, formats, offsets = [], [], []
        offset = 0
        for index, character in enumerate(self.format):
            spec = FORMAT_CHARACTERS.get(character)
            if spec is None:
                raise DataFlashFormatError(
                    f"message {self.name}: format '{self.format}' has '{character}', which is "
                    "not a DataFlash format character"
                )
            names.append(f"c{index}")
            formats.append(spec.dtype)
            offsets.append(offset)
            offset += np.dtype(spec.dtype).itemsize
        if offset > self.length - HEADER_BYTES:
            raise DataFlashFormatError(
                f"message {self.name}: its format '{self.format}' needs {offset + HEADER_BYTES} "
                f"bytes, but its FMT says {self.length}"
            )
        return np.dtype(
            {
                "names": names,
                "formats": formats,
                "offsets": offsets,
                "itemsize": self.length - HEADER_BYTES,
            }
        )


@dataclass(frozen=True, eq=False)
class DataFlashLog:
    """Where the messages of a DataFlash log are. ``starts`` holds the byte offset of every
    whole message read, in order; ``definitions`` each type's ``FMT`` definitions as
    (offset of the FMT, type): a type redefined later in the log is decoded by the definition
    before each message. ``read_bytes`` is where the last message read ends, ``stop`` why
    the walk ended there, ``skipped_bytes`` how many bytes between messages were not one."""

    data: bytes
    starts: np.ndarray
    type_ids: np.ndarray
    definitions: dict[int, tuple[tuple[int, MessageType], ...]]
    read_bytes: int
    stop: Stop
    skipped_bytes: int

    def type_named(self, name: str) -> MessageType | None:
        """The (last) definition of the type called ``name`` (None: no FMT defines it)."""
        found = None
        for versions in self.definitions.values():
            for _, message_type in versions:
                if message_type.name == name:
                    found = message_type
        return found

    def names(self) -> tuple[str, ...]:
        """The names of every type an FMT defines, in the order of their type ids."""
        return tuple(dict.fromkeys(v[-1][1].name for _, v in sorted(self.definitions.items())))

    def count(self, name: str) -> int:
        """How many messages of the type(s) called ``name`` were read."""
        ids = self._ids(name)
        if not ids:
            return 0
        counts = np.bincount(self.type_ids, minlength=256)
        return int(sum(counts[i] for i in ids))

    def columns(self, name: str, wanted: tuple[str, ...]) -> dict[str, np.ndarray]:
        """The values of the ``wanted`` columns the type called ``name`` has (scaled to the
        value, as floats; text columns as bytes), one per message read. A column one
        definition of the type lacks is NaN in its messages. Raises
        :class:`DataFlashFormatError` when a definition cannot be decoded."""
        pieces: list[tuple[int, int, dict[str, np.ndarray]]] = []
        for type_id in self._ids(name):
            starts = self.starts[self.type_ids == type_id]
            versions = self.definitions[type_id]
            redefined = np.searchsorted(starts, [offset for offset, _ in versions[1:]])
            cuts = [0, *redefined.tolist(), len(starts)]
            for (_, message_type), first, last in zip(
                versions, cuts[:-1], cuts[1:], strict=True
            ):
                if last > first and message_type.name == name:
                    decoded = _decode(self.data, starts[first:last], message_type, wanted)
                    pieces.append((int(starts[first]), last - first, decoded))
        pieces.sort(key=lambda piece: piece[0])
        result = {}
        for column in wanted:
            if not any(column in decoded for _, _, decoded in pieces):
                continue
            parts = [
                decoded.get(column, np.full(count, np.nan)) for _, count, decoded in pieces
            ]
            result[column] = np.concatenate(parts) if len(parts) > 1 else parts[0]
        return result

    def _ids(self, name: str) -> list[int]:
        return [
            type_id
            for type_id, versions in self.definitions.items()
            if any(t.name == name for _, t in versions)
        ]


def scan(data: bytes) -> DataFlashLog:
    """Every whole message of ``data`` up to the first damage that cannot be passed (see
    the module). ``data`` need not start with a message: bytes before the first are skipped."""
    data = bytes(data)
    lengths = [0] * 256  # 0: no FMT defines the type
    lengths[FMT_TYPE] = FMT_LENGTH
    definitions: dict[int, list[tuple[int, MessageType]]] = {
        FMT_TYPE: [(0, MessageType(FMT_TYPE, "FMT", FMT_LENGTH, "BBnNZ", _FMT_COLUMNS))]
    }
    starts = array("q")
    append = starts.append
    find = data.find
    end = len(data)
    position = read_bytes = skipped = pending = 0
    stop = Stop.END
    while position + HEADER_BYTES <= end:
        if data[position] != 0xA3 or data[position + 1] != 0x95:
            following = find(HEADER, position + 1)
            if following < 0:
                break
            pending += following - position
            position = following
            continue
        type_id = data[position + 2]
        length = lengths[type_id]
        if not length:
            stop = Stop.UNDEFINED_TYPE
            break
        if position + length > end:
            stop = Stop.CUT
            break
        if type_id == FMT_TYPE:
            _define(data, position, lengths, definitions)
        append(position)
        skipped += pending
        pending = 0
        position += length
        read_bytes = position
    else:
        if position < end and HEADER.startswith(data[position:]):
            stop = Stop.CUT
    offsets = np.frombuffer(starts, dtype=np.int64) if len(starts) else np.zeros(0, np.int64)
    raw = np.frombuffer(data, dtype=np.uint8)
    return DataFlashLog(
        data=data,
        starts=offsets,
        type_ids=raw[offsets + 2] if len(offsets) else np.zeros(0, np.uint8),
        definitions={k: tuple(v) for k, v in definitions.items()},
        read_bytes=read_bytes,
        stop=stop,
        skipped_bytes=skipped,
    )


_FMT_COLUMNS = ("Type", "Length", "Name", "Format", "Columns")


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("ascii", errors="replace").strip()


def _define(
    data: bytes,
    position: int,
    lengths: list[int],
    definitions: dict[int, list[tuple[int, MessageType]]],
) -> None:
    """Read the FMT message at ``position`` into ``lengths`` and ``definitions``. A length
    shorter than the header leaves its type undefined (a message of it stops the walk); FMT
    itself keeps its fixed layout."""
    type_id, length, name, fmt, columns = _FMT_PAYLOAD.unpack_from(data, position + HEADER_BYTES)
    if type_id == FMT_TYPE:
        return
    if length < HEADER_BYTES:
        lengths[type_id] = 0
        return
    defined = MessageType(
        type_id, _text(name), length, _text(fmt), tuple(_text(columns).split(","))
    )
    versions = definitions.setdefault(type_id, [])
    if not versions or versions[-1][1] != defined:
        versions.append((position, defined))
    lengths[type_id] = length


def _decode(
    data: bytes, starts: np.ndarray, message_type: MessageType, wanted: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """The ``wanted`` columns of the messages of one definition starting at ``starts``."""
    dtype = message_type.dtype()
    count = len(starts)
    records = np.empty(count, dtype=dtype)
    if count and dtype.itemsize:
        raw = np.frombuffer(data, dtype=np.uint8)
        payload = records.view(np.uint8).reshape(count, dtype.itemsize)
        within = np.arange(dtype.itemsize, dtype=np.int64)
        chunk = max(1, _GATHER_BYTES // dtype.itemsize)
        for first in range(0, count, chunk):
            heads = starts[first : first + chunk] + HEADER_BYTES
            payload[first : first + chunk] = raw[heads[:, None] + within]
    found = {}
    for column in wanted:
        if column not in message_type.columns:
            continue
        index = message_type.columns.index(column)
        if index >= len(message_type.format):
            continue
        spec = FORMAT_CHARACTERS[message_type.format[index]]
        values = records[f"c{index}"]
        if spec.is_text:
            found[column] = values.copy()
        else:
            found[column] = values.astype(np.float64) * spec.scale
    return found
