"""Bytes of a partner's feed to text, whatever the partner claims about them.

Partners mislabel encodings all the time: a Korean feed written in UTF-8 under an ISO-8859-1
prolog, EUC-KR with no declaration at all, gzip bodies served without Content-Encoding. Trusting
the prolog (as an XML parser must) turns such feeds into mojibake, so we decide the encoding
ourselves, from the bytes, and hand the XML parser a UTF-8 document whose prolog says so.

Order of evidence: gzip magic (decompressed under a hard size cap, so a small body cannot expand
into gigabytes), byte-order mark, BOM-less UTF-16/32 patterns, the XML prolog's declaration, and
finally statistical detection (chardet) when the bytes do not decode as declared.
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass, field

import chardet

from crawler.parsers.base import ParseError

DEFAULT_MAX_DECOMPRESSED = 10 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# XML 1.0 appendix F: how "<?" or "<" looks in the wide encodings when there is no BOM.
_BOMLESS_WIDE: tuple[tuple[bytes, str], ...] = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)

# The declaration may sit after comments or blank lines in broken feeds, so search the head.
_DECLARED = re.compile(rb"""<\?xml\s[^>]*?encoding\s*=\s*["']\s*([^"'\s]*)\s*["']""", re.IGNORECASE)
_HEAD_BYTES = 2048

# Labels partners put on UTF-8 bytes by habit (editor defaults, old CMS templates). When the bytes
# are valid UTF-8 with non-ASCII in them, the label is almost certainly wrong: legitimate text in
# these encodings practically never forms valid multi-byte UTF-8 sequences.
_MISLABEL_PRONE = {codecs.lookup(label).name
                   for label in ("us-ascii", "iso-8859-1", "iso-8859-15", "windows-1252")}
# Any other label (euc-kr, cp949 from a legacy board template...) loses to valid UTF-8 too, once
# there are enough multi-byte characters that a coincidence is out of the question: EUC-KR text
# uses lead bytes 0xB0-0xBF, which UTF-8 never allows, so real EUC-KR is never valid UTF-8.
_CONVINCING_UTF8_CHARS = 4

# Encodings whose bytes are not ASCII-compatible; without a BOM a declaration of these is a lie
# about a document that is evidently ASCII-based (we could read its prolog).
_WIDE = {codecs.lookup(label).name
         for label in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")}
_UTF8_LEAD_BYTES = bytes(range(0xC2, 0xF5))

# A document declared (or defaulting to) UTF-8 with a few stray bytes is still UTF-8: repair the
# stray bytes rather than let a detector re-read the whole document as some legacy code page.
_STRAY_BYTES_PER_UTF8_CHAR = 1 / 20
# chardet is pure Python: it reads a sample from where the non-ASCII text starts, not 10 MiB.
_DETECTION_SAMPLE = 64 * 1024
_NON_ASCII = re.compile(rb"[\x80-\xff]")

_XML_DECLARATION = re.compile(r"<\?xml\s[^>]*?\?>", re.IGNORECASE)
# Characters XML 1.0 forbids outright; one of them makes expat give up on the whole document.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


@dataclass
class Decoded:
    text: str
    encoding: str                     # Python codec name actually used, e.g. "utf-8", "euc_kr"
    warnings: list[str] = field(default_factory=list)
    gzipped: bool = False


def gunzip_capped(body: bytes, max_size: int = DEFAULT_MAX_DECOMPRESSED, component: str = "feed") -> bytes:
    """Decompress a gzip body, refusing to produce more than max_size bytes (bomb protection)."""
    out = bytearray()
    data = body
    # Concatenated gzip members are legal (and produced by some servers); read them all.
    while data[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = inflater.decompress(data, max_size - len(out) + 1)
        except zlib.error as exc:
            raise ParseError(f"{component}: gzip body is corrupt: {exc}") from None
        out += chunk
        if len(out) > max_size or inflater.unconsumed_tail:
            raise ParseError(f"{component}: decompressed body exceeds {max_size} bytes")
        if not inflater.eof:
            raise ParseError(f"{component}: gzip body is truncated")
        data = inflater.unused_data.lstrip(b"\x00")
    return bytes(out)


def gunzip_head(body: bytes, size: int) -> bytes:
    """At most `size` decompressed bytes from the start of a gzip body; never raises."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, size)
    except zlib.error:
        return b""


def sniff_bom(body: bytes) -> tuple[str | None, int]:
    """(encoding, BOM length) from a byte-order mark or a BOM-less UTF-16/32 '<' pattern."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    for pattern, name in _BOMLESS_WIDE:
        if body.startswith(pattern):
            return name, 0
    return None, 0


def declared_encoding(body: bytes) -> str | None:
    """The label in the XML prolog, exactly as written (may be bogus), or None."""
    match = _DECLARED.search(body[:_HEAD_BYTES])
    if not match or not match.group(1):
        return None
    return match.group(1).decode("ascii", "replace")


def codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for an encoding label, None when Python knows no such codec."""
    if not label:
        return None
    label = label.strip().lower()
    if label in ("gb2312", "gbk"):
        label = "gb18030"  # superset; partners labelled gb2312 routinely use GBK characters
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_body(body: bytes, *, max_size: int = DEFAULT_MAX_DECOMPRESSED, component: str = "feed") -> Decoded:
    """Text of a feed body: gunzipped (capped), BOM / prolog / detection, warnings for lies found."""
    gzipped = body[:2] == GZIP_MAGIC
    if gzipped:
        body = gunzip_capped(body, max_size)
    bom_encoding, bom_length = sniff_bom(body)
    if bom_encoding:
        result = _decode_with_bom(body[bom_length:], bom_encoding, component)
    else:
        result = _decode_by_declaration(body, component)
    result.gzipped = gzipped
    result.text = result.text.lstrip("\ufeff")
    return result


def _decode_with_bom(body: bytes, encoding: str, component: str) -> Decoded:
    try:
        return Decoded(body.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        return Decoded(body.decode(encoding, "replace"), encoding,
                       [f"{component}: bytes invalid for the {encoding} byte-order mark at byte {exc.start}; "
                        "invalid bytes replaced"])


def _decode_by_declaration(body: bytes, component: str) -> Decoded:
    label = declared_encoding(body)
    declared = codec_name(label)
    warnings: list[str] = []
    if label and not declared:
        warnings.append(f"{component}: unknown encoding {label!r} declared in the XML prolog")
    elif declared in _WIDE:
        warnings.append(f"{component}: prolog declares {label} but the bytes are not {label}")
        declared = None

    if body.isascii():
        return Decoded(body.decode("ascii"), declared or "utf-8", warnings)

    utf8_text, stray = _utf8_with_stray_count(body)
    utf8_expected = declared in (None, "utf-8")
    if stray == 0 and (utf8_expected or declared in _MISLABEL_PRONE
                       or _utf8_lead_bytes(body) >= _CONVINCING_UTF8_CHARS):
        if not utf8_expected:
            warnings.append(f"{component}: prolog declares {label} but the bytes are UTF-8; read as UTF-8")
        return Decoded(utf8_text, "utf-8", warnings)
    if utf8_expected and stray and _mostly_utf8(body, stray):
        warnings.append(f"{component}: {stray} byte(s) are not valid UTF-8; replaced")
        return Decoded(body.decode("utf-8", "replace"), "utf-8", warnings)

    if declared and declared != "utf-8":
        try:
            return Decoded(body.decode(declared), declared, warnings)
        except UnicodeDecodeError:
            pass
    return _decode_detected(body, label if declared else None, warnings, component)


def _utf8_with_stray_count(body: bytes) -> tuple[str, int]:
    """The body as UTF-8 ("" when invalid) and how many bytes are not valid UTF-8."""
    try:
        return body.decode("utf-8"), 0
    except UnicodeDecodeError:
        return "", body.decode("utf-8", "replace").count("\ufffd") - body.count(b"\xef\xbf\xbd")


def _utf8_lead_bytes(body: bytes) -> int:
    """How many bytes could start a multi-byte UTF-8 character (counted in C, not in a loop)."""
    return len(body) - len(body.translate(None, _UTF8_LEAD_BYTES))


def _mostly_utf8(body: bytes, stray: int) -> bool:
    multibyte_chars = _utf8_lead_bytes(body)  # valid or not
    return multibyte_chars > 0 and stray <= (multibyte_chars - stray) * _STRAY_BYTES_PER_UTF8_CHAR


def _detection_sample(body: bytes) -> bytes:
    """A window starting just before the first non-ASCII byte: what a detector can learn from."""
    first = _NON_ASCII.search(body)
    start = max(0, first.start() - 256) if first else 0
    return body[start:start + _DETECTION_SAMPLE]


def _decode_detected(body: bytes, declared_label: str | None, warnings: list[str], component: str) -> Decoded:
    guess = chardet.detect(_detection_sample(body))
    detected = codec_name(guess.get("encoding"))
    claimed = f"declared {declared_label}" if declared_label else "UTF-8 (no encoding declared)"
    if detected:
        try:
            text = body.decode(detected)
        except UnicodeDecodeError:
            pass
        else:
            confidence = guess.get("confidence") or 0.0
            warnings.append(f"{component}: bytes are not valid {claimed}; detected {detected} "
                            f"(confidence {confidence:.2f})")
            return Decoded(text, detected, warnings)
    fallback = codec_name(declared_label) or "utf-8"
    warnings.append(f"{component}: bytes are not valid {claimed} and no encoding could be detected; "
                    f"read as {fallback} with invalid bytes replaced")
    return Decoded(body.decode(fallback, "replace"), fallback, warnings)


def xml_as_utf8(text: str) -> bytes:
    """UTF-8 bytes of an XML document whose prolog says utf-8, for parsers that trust the prolog.

    The declaration moves to the very start (broken feeds put comments or blank lines before it,
    which strict parsers reject); line numbers stay those of the partner's document, so parser
    messages point at the right line. Characters XML forbids become spaces.
    """
    match = _XML_DECLARATION.search(text, 0, _HEAD_BYTES)
    if match and _only_misc(text[: match.start()]):
        # Whitespace and comments are legal after the declaration, so they stay where they were.
        text = text[: match.start()] + "\n" * match.group(0).count("\n") + text[match.end():]
    text = _XML_FORBIDDEN.sub(" ", text)
    return (_UTF8_DECLARATION + text).encode("utf-8")


def _only_misc(prefix: str) -> bool:
    """True when prefix holds only whitespace and comments (what may precede a misplaced prolog)."""
    return not re.sub(r"<!--.*?-->", "", prefix, flags=re.DOTALL).strip()


