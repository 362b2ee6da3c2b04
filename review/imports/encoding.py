"""Turning an export file's bytes into text, in the encoding it was written in.

UTF-8 (with or without a BOM) is read directly: it is what nearly every database exports, and
reading it must stay fast. Anything else is one of the encodings spreadsheets and older tools
write, and charset-normalizer chooses among those few candidates (an open choice among all of
them picks Baltic or Central European code pages for short Western text). Windows-1252 comes
before Latin-1: the two agree except at bytes 0x80-0x9F, which Latin-1 makes invisible C1
control characters and Windows-1252 makes curly quotes, dashes and the euro sign. Whatever the
encoding, the warning names it, so a reviewer can check the file if a name looks wrong.
"""

from __future__ import annotations

from review.imports.model import fail

_ADVICE = "Save the file as UTF-8 text and import it again"
# Candidates charset-normalizer chooses among, in its spelling of Python codec names.
_CANDIDATES = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "cp1252", "latin_1", "mac_roman"]
# Our name for each codec (stored with the import) and how a warning says it.
_NAMES = {
    "utf_16": ("utf-16", "UTF-16"),
    "utf_16_le": ("utf-16-le", "UTF-16 (little-endian, no byte-order mark)"),
    "utf_16_be": ("utf-16-be", "UTF-16 (big-endian, no byte-order mark)"),
    "utf_32": ("utf-32", "UTF-32"),
    "cp1252": ("cp1252", "Windows-1252 (cp1252)"),
    "latin_1": ("latin-1", "Latin-1 (ISO-8859-1)"),
    "mac_roman": ("mac-roman", "Mac OS Roman"),
}
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf_32"),
    (b"\x00\x00\xfe\xff", "utf_32"),
    (b"\xff\xfe", "utf_16"),
    (b"\xfe\xff", "utf_16"),
)
_CONTROL = set(range(0, 9)) | set(range(14, 32)) | {127}
_C1 = bytes(range(0x80, 0xA0))
_NOT_CP1252 = b"\x81\x8d\x8f\x90\x9d"  # the five bytes Windows-1252 leaves undefined


def decode(data: bytes, path: str, advice: str = _ADVICE) -> tuple[str, str, list[str]]:
    """Text, the name of the encoding it was read with, and a warning when it was not UTF-8.

    Raises ImportFileError for an empty, compressed or binary file, and for bytes that no
    candidate encoding reads, naming the line.
    """
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise fail(path, f"the file is empty ({len(data)} bytes, no text)", advice)
    kind = {b"\x1f\x8b": "gzip-compressed", b"PK": "a zip archive"}.get(data[:2])
    if kind:
        raise fail(path, f"the file is {kind}, not text (line 1)", "Unpack it and import the file")
    bom = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    if bom is None:
        utf16 = _utf16_pattern(data[:8192])  # NUL bytes are valid UTF-8: look at them first
        if not utf16:
            _refuse_binary(data, path, advice)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
            else:
                if text.startswith("\ufeff"):
                    return _checked(text[1:], path, advice), "utf-8-sig", []
                return _checked(text, path, advice), "utf-8", []
        codec = _detect(data, path, advice)
        name, label = _NAMES[codec]
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:  # a UTF-16 look-alike that is not UTF-16 after all
            problem = f"the text is not UTF-8 and its encoding is unclear ({exc})"
            raise fail(path, problem, advice) from exc
        why = "not valid UTF-8" if utf16 else f"not valid UTF-8 at line {line}"
        return _checked(text, path, advice), name, [f"read as {label}: {why}"]
    try:
        text = data.decode(bom.replace("_", "-"))  # "utf-16" reads and drops its own BOM
    except UnicodeDecodeError as exc:
        name, label = _NAMES[bom]
        raise fail(
            path,
            f"the file starts with a {label} byte-order mark but is not {label} text "
            f"(byte {exc.start})",
            advice,
        ) from exc
    name, label = _NAMES[bom]
    return _checked(text, path, advice), name, [f"read as {label} (it has a byte-order mark)"]


def _utf16_pattern(sample: bytes) -> bool:
    """Mostly-Latin UTF-16 without a BOM: zero bytes at nearly every other position."""
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return max(zeros_even, zeros_odd) > 0.3 and min(zeros_even, zeros_odd) < 0.05


def _refuse_binary(data: bytes, path: str, advice: str) -> None:
    sample = data[:8192]
    nul = data.find(b"\x00")
    if nul >= 0 or sum(b in _CONTROL for b in sample) > len(sample) // 10:
        at = nul if nul >= 0 else next(i for i, b in enumerate(sample) if b in _CONTROL)
        line = data.count(b"\n", 0, at) + 1
        raise fail(path, f"this is a binary file, not text (binary data at line {line})", advice)


def _detect(data: bytes, path: str, advice: str) -> str:
    """The candidate codec charset-normalizer finds most plausible; Windows-1252 over Latin-1."""
    from charset_normalizer import from_bytes

    # Least mess first; between equally clean readings, the order of _CANDIDATES (its own
    # best() prefers "coherence", which calls "LindgrÈn" in Mac OS Roman more Swedish).
    found = from_bytes(data, cp_isolation=_CANDIDATES)
    ranked = sorted(found, key=lambda m: (m.chaos, _CANDIDATES.index(m.encoding)))
    codec = ranked[0].encoding if ranked else "latin_1"
    if codec in ("latin_1", "cp1252"):
        c1 = [b for b in set(data) if b in _C1]
        bad = [b for b in c1 if b in _NOT_CP1252]
        if bad:
            line = data.count(b"\n", 0, data.find(bytes([bad[0]]))) + 1
            raise fail(
                path,
                f"the text is not UTF-8, and byte 0x{bad[0]:02X} at line {line} is no "
                "character in Windows-1252 or Latin-1",
                advice,
            )
        # Identical text either way; the name says whether Windows-1252's own characters occur.
        codec = "cp1252" if c1 else "latin_1"
    if codec not in _NAMES:  # cp_isolation keeps to the candidates; this is a safety net
        raise fail(path, "the text is not UTF-8 and its encoding is unclear", advice)
    return codec


def _checked(text: str, path: str, advice: str) -> str:
    """Decoded text must still be text: a NUL means a binary file read as if it were text."""
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise fail(path, f"this is a binary file, not text (binary data at line {line})", advice)
    return text
