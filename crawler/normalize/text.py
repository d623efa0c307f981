"""Text: NFKC, whitespace, entities (double-escaped too), sanitized HTML, language, contact, hours.

Each function is documented by its table in tests/crawler/normalize/test_text.py:

* ``clean_text`` (CLEAN_CASES), ``truncate`` (TRUNCATE_CASES), ``sanitize_html`` (SANITIZE_CASES),
  ``looks_like_html`` and ``nfkc`` (unchanged contracts: every parser and normalizer uses them).
* ``detect_language`` (LANGUAGE_CASES): "ko", "en", "other" or None, by counting scripts.
* ``find_contact`` (CONTACT_CASES): Korean phone numbers and e-mail addresses.
* ``find_opening_hours`` (HOURS_CASES): the opening-hours phrase as the partner wrote it.

Entities: partners escape twice ("&amp;lt;b&amp;gt;", "&amp;amp;"). ``clean_text`` resolves up to
three levels of escaping, a level at a time, and only complete entities ("&name;", "&#123;",
"&#x1F;") after the first: "<b>" comes out as text, "AT&T" and "?a=1&copy=2" stay as written.
``sanitize_html`` collapses "&amp;" followed by a complete entity into that entity, so the page
shows "<b>" and "&", not "&lt;b&gt;" and "&amp;".
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

from indexer.text import html_to_text

ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "a", "blockquote", "h3", "h4",
                "table", "thead", "tbody", "tr", "th", "td", "img", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
                      "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Invisible characters partners paste into words: zero-width space, word joiner, BOM, soft hyphen.
# (Zero-width joiners stay: emoji sequences need them.)
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_DOUBLE_ESCAPED = re.compile(r"&amp;(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
MAX_UNESCAPES = 3


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def clean_text(value: str | None, max_length: int | None = None) -> str | None:
    """Plain text: markup and entities resolved, NFKC, control characters dropped, spaces collapsed.

    Table: CLEAN_CASES. Double-escaped entities are resolved too ("&amp;lt;b&amp;gt;" -> "<b>",
    shown as text; "&amp;amp;" -> "&"); zero-width spaces, word joiners, BOMs and soft hyphens are
    dropped; None or blank in -> None out; ``max_length`` truncates (see ``truncate``).
    """
    if value is None:
        return None
    text = html_to_text(value)
    for _ in range(MAX_UNESCAPES - 1):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = _ENTITY.sub(lambda match: html.unescape(match.group()), text)
    text = _INVISIBLE.sub("", text) if not text.isascii() else text
    text = " ".join(_CONTROL.sub(" ", nfkc(text)).split())
    return truncate(text, max_length) if max_length else (text or None)


def truncate(text: str | None, max_length: int) -> str | None:
    """At most ``max_length`` characters: a longer text is cut and ends with "…". Table: TRUNCATE_CASES."""
    if text and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text or None


def sanitize_html(value: str | None, base_url: str | None = None) -> str | None:
    """HTML safe to show: allow-listed tags, http(s) links only, rel=noopener on links.

    Table: SANITIZE_CASES. A double-escaped entity ("&amp;lt;", "&amp;amp;") is escaped once.
    """
    if not value or not value.strip():
        return None
    if "&amp;" in value:
        value = _DOUBLE_ESCAPED.sub(r"&\1;", value)
    cleaned = nh3.clean(nfkc(value), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow",
                        strip_comments=True)
    cleaned = cleaned.strip()
    return cleaned or None


def looks_like_html(value: str | None) -> bool:
    return bool(value) and bool(re.search(r"<[a-zA-Z/!][^>]*>", value))


def _plain(text: str) -> str:
    """NFKC plain text of a value that may hold markup, for the finders below."""
    if "<" in text or "&" in text:
        text = html_to_text(text)
    return " ".join(nfkc(text).split())


# --- language -------------------------------------------------------------------------------------

LANGUAGE_SAMPLE = 2000
MIN_LANGUAGE_WEIGHT = 3
KOREAN_SHARE = 0.4
DENSE_WEIGHT = 3  # a Hangul syllable or a CJK character carries about as much as three Latin letters

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_JAMO = re.compile(r"[\u1100-\u11ff\u3131-\u318e]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_DENSE_OTHER = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fff]")  # kana, CJK ideographs
_LETTER = re.compile(r"[^\W\d_]")
_THREE_LATIN = re.compile(r"[A-Za-z][^A-Za-z]*[A-Za-z][^A-Za-z]*[A-Za-z]")
_ADDRESS_WORD = re.compile(r"@|://|^www\.", re.IGNORECASE)  # a URL or an e-mail address


def detect_language(text: str | None) -> str | None:
    """"ko", "en", "other", or None when the text has too few letters to tell. Table: LANGUAGE_CASES.

    Only letters count (digits, punctuation, symbols, URLs, e-mail addresses and markup do not),
    weighted by how much a character carries: a Hangul syllable, kana or CJK ideograph counts 3, a
    Latin letter, a lone Hangul jamo or any other letter 1. The first 2,000 characters decide.

    * Total weight below 3 (one Hangul syllable, or fewer than three Latin letters: "TV", "OK"):
      None -- too short to tell.
    * Korean when Hangul carries at least 40 % of the weight: Korean listings mix in brand names
      and English words ("Canon EOS 카메라 대여", "전동드릴 대여 / Cordless drill rental" are "ko";
      a Korean reader is who needs them).
    * Otherwise "en" when Latin letters carry at least half the weight and outweigh other scripts,
      else "other" (Japanese, Chinese, Cyrillic, Thai, ...). Any language in Latin script is "en":
      scripts cannot tell French from English.
    """
    if not text:
        return None
    sample = text[:LANGUAGE_SAMPLE]
    if "<" in sample or "&" in sample:
        sample = html_to_text(sample)
    if "@" in sample or "://" in sample or "www." in sample:
        sample = " ".join(word for word in sample.split() if not _ADDRESS_WORD.search(word))
    if sample.isascii():
        return "en" if _THREE_LATIN.search(sample) else None
    sample = nfkc(sample)
    syllables, jamo = len(_HANGUL.findall(sample)), len(_JAMO.findall(sample))
    latin, dense = len(_LATIN.findall(sample)), len(_DENSE_OTHER.findall(sample))
    rest = len(_LETTER.findall(sample)) - syllables - jamo - latin - dense  # Cyrillic, Thai, Greek, ...
    hangul = syllables * DENSE_WEIGHT + jamo
    other = dense * DENSE_WEIGHT + max(0, rest)
    total = hangul + latin + other
    if total < MIN_LANGUAGE_WEIGHT:
        return None
    if hangul >= KOREAN_SHARE * total:
        return "ko"
    if latin * 2 >= total and latin >= other:
        return "en"
    return "other"


# --- contact --------------------------------------------------------------------------------------

_GROUP_SEP = r"(?:\s*[-.]\s*|\s+)"
_PHONE = re.compile(
    r"(?=[\d(+])(?<![\d+])(?:"
    # +82-2-3153-0000, +82 10 1234 5678, 0082-2-..., +82 (0)2 ...
    r"(?:\+|00)\s*82[\s\-.]*(?:\(0\)\s*)?0?(?P<iarea>2|[3-6][1-5]|1[016789]|70|80)"
    rf"{_GROUP_SEP}(?P<imid>\d{{3,4}}){_GROUP_SEP}(?P<iend>\d{{4}})"
    # 02-123-4567, (02) 1234-5678, 02)123-4567, 031.123.4567, 010 1234 5678, 070-, 080-, 0505-
    r"|\(?(?P<area>02|0[3-6][1-5]|01[016789]|070|080|050[2-8]?)(?:\)\s*|\s*[-.]\s*|\s+)"
    rf"(?P<mid>\d{{3,4}}){_GROUP_SEP}(?P<end>\d{{4}})"
    # 01012345678
    r"|(?P<mobile>01[016789])(?P<mmid>\d{3,4})(?P<mend>\d{4})"
    # 1588-1234, 1644-0000, 1800-0000: representative numbers, written with their hyphen
    r"|(?P<rep>1[5-8]\d{2})\s*-\s*(?P<rend>\d{4})"
    # 다산콜센터
    r"|(?P<call>02-120|\(02\)\s*120)"
    r")(?![\d])")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]*)\s*@\s*"
    r"(?P<domain>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24})(?![A-Za-z0-9-])")
_OBFUSCATED_AT = re.compile(r"\s*(?:\((?:at|골뱅이)\)|\[(?:at|골뱅이)\])\s*", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r"\s*(?:\(dot\)|\[dot\])\s*", re.IGNORECASE)


def find_contact(text: str | None) -> dict | None:
    """{"phones": [...], "emails": [...]} found in a text, or None when it holds neither.

    Table: CONTACT_CASES. Phones are Korean numbers, written as 02-123-4567 whatever the partner
    wrote ("(02) 123-4567", "02.123.4567", "02 123 4567", "+82-2-123-4567", "01012345678"):
    Seoul 02 and the area codes 031-064, mobiles 010/011/016-019, 070, 080 and 050x, the
    representative numbers 15xx/16xx/18xx written with their hyphen (1588-1234), and 02-120.
    Dates, prices and other digit runs are no phone: an area code starts with 0. E-mail addresses
    keep their local part as written and lower-case their domain; "(at)"/"[at]" and "(dot)"/"[dot]"
    are read as "@" and ".". Both lists keep the text's order without repeats.
    """
    if not text:
        return None
    plain = _plain(text)
    phones = list(dict.fromkeys(_phone(m) for m in _PHONE.finditer(plain)))
    lowered = plain.lower()
    if "(at)" in lowered or "[at]" in lowered or "골뱅이" in plain:
        plain = _OBFUSCATED_DOT.sub(".", _OBFUSCATED_AT.sub("@", plain))
    emails = (list(dict.fromkeys(f"{m['local']}@{m['domain'].lower()}" for m in _EMAIL.finditer(plain)))
              if "@" in plain else [])
    if not phones and not emails:
        return None
    return {"phones": phones, "emails": emails}


def _phone(match: re.Match) -> str:
    if match["iarea"]:
        return f"0{match['iarea']}-{match['imid']}-{match['iend']}"
    if match["area"]:
        return f"{match['area']}-{match['mid']}-{match['end']}"
    if match["mobile"]:
        return f"{match['mobile']}-{match['mmid']}-{match['mend']}"
    if match["rep"]:
        return f"{match['rep']}-{match['rend']}"
    return "02-120"


# --- opening hours --------------------------------------------------------------------------------

_KO_DAY = r"(?<![\d가-힣])[월화수목금토일](?:요일)?(?![가-힣])"
# Each alternation is guarded by the characters it can start with: the full pattern is tried at
# every position of a description, and most positions then fail on one character test.
_KO_DAYS = (rf"(?=[매평주공법휴점월화수목금토일])(?:매주\s*)?(?:평일|주말|주중|매일|공휴일|법정\s*공휴일|휴일"
            rf"|점심\s*시간|점심|휴게\s*시간|{_KO_DAY}(?:\s*[~\-–·,/]\s*{_KO_DAY})*)")
_EN_DAY = (r"(?<![A-Za-z])(?=[MTWFSmtwfs])(?i:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?"
           r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?\.?(?![A-Za-z])")
_EN_DAYS = (rf"(?:(?<![A-Za-z])(?=[WDEPHLwdephl])(?i:weekdays?|weekends?|daily|every\s*day|public\s*holidays?"
            rf"|holidays?|lunch(?:\s*break)?)(?![A-Za-z])"
            rf"|{_EN_DAY}(?:\s*(?:[~\-–,/&]|(?i:to|through|and))\s*{_EN_DAY})*)")
_ONE_DAYS = rf"(?:{_KO_DAYS}|{_EN_DAYS})"
_DAYS = rf"{_ONE_DAYS}(?:\s*(?:,|·|/|및|&|(?i:and))\s*{_ONE_DAYS})*"
_HOURS_LABEL = (r"(?:(?=[운이영개대관상접반])(?:운영|이용|영업|개방|대여|관람|상담|접수|반납|개관)\s*시간"
                r"|(?<![A-Za-z])(?=[OoHhBb])"
                r"(?i:opening\s+hours|open\s+hours|business\s+hours|hours|open)(?![A-Za-z]))")
_MERIDIEM = r"(?:오전|오후|새벽|저녁|밤|(?i:am|pm|a\.m\.|p\.m\.))"
_HOUR = (rf"(?:(?=[오새저밤AaPp]){_MERIDIEM}\s*)?(?<!\d)\d{{1,2}}(?:\s*:\s*\d{{2}}|\s*시(?:\s*\d{{1,2}}\s*분|\s*반)?)?"
         rf"(?:\s*(?i:am|pm|a\.m\.|p\.m\.)(?![A-Za-z]))?")
_RANGE = rf"(?=[\d오새저밤AaPp]){_HOUR}\s*(?:~|〜|∼|-|–|—|(?i:to)|부터)\s*{_HOUR}(?!\d)(?:\s*까지)?"
_CLOSED = (rf"(?:{_DAYS})\s*(?:정기\s*)?(?:휴무|휴관|휴장|휴일)"
           rf"|(?=[정휴])(?:정기\s*)?(?:휴무|휴관|휴장)(?:일)?\s*[:：]?\s*(?:{_DAYS})"
           rf"|(?<![A-Za-z])(?=[Cc])(?i:closed)(?:\s+(?i:on))?\s+(?:{_DAYS})")
_ALWAYS = (r"(?=[연2Oo])(?:연중\s*무휴(?:\s*24\s*시간(?:\s*(?:운영|영업|개방))?)?|24\s*시간\s*(?:운영|영업|개방|이용\s*가능)"
           r"|24\s*/\s*7|(?<![A-Za-z])(?i:open\s+24\s+hours|24\s+hours\s+a\s+day)(?![A-Za-z]))")
# Where an element can start: a digit, the first syllable of a Korean word above, or a Latin word.
_ELEMENT_START = r"(?:(?=[\d평주매공법휴점월화수목금토일연운이영개대관상접반오새저밤정])|(?<![A-Za-z])(?=[A-Za-z]))"
_HOURS_ELEMENT = re.compile(
    rf"{_ELEMENT_START}(?:(?P<closed>{_CLOSED})|(?P<always>{_ALWAYS})"
    rf"|(?:(?P<label>{_HOURS_LABEL})\s*[:：]?\s*)?(?:(?P<days>{_DAYS})\s*[:：]?\s*)?(?P<range>{_RANGE}))")
# A time range's core: an hour (not a date's or a phone number's part), a separator, an hour.
_RANGE_HINT = re.compile(r"\d(?<![\d\-./,]\d)\d?(?:\s*시(?:\s*\d{1,2}\s*분|\s*반)?|\s*:\s*\d\d)?\s*"
                         r"(?:(?i:[ap]\.?m\.?)\s*)?(?:[~〜∼–—-]|부터|(?i:to))\s*"
                         r"(?:오전|오후|새벽|저녁|밤|(?i:[ap]\.?m\.?))?\s*\d\d?(?!\d|,\d)")
_KEYWORDS = ("연중", "24/7", "24 /", "24시간", "24 시간", "휴무", "휴관", "휴장", "closed", "24 hours")
HINT_BEFORE, HINT_AFTER = 60, 30
_GAP = re.compile(r"[\s,./·;|()\[\]]*")
_COLON_TIME = re.compile(r"\d\s*:\s*\d{2}")
_MARKED = re.compile(_MERIDIEM)
_DATE_BEFORE = re.compile(r"(?:\d{1,2}\s*일|\d{4}\s*[.\-/]\s*\d{1,2}\s*[.\-/]\s*\d{1,2}\.?|\([^)]{1,3}\))\s*$")


def find_opening_hours(text: str | None) -> str | None:
    """The opening-hours phrase of a text as written (spaces normalized, label left out), or None.

    Table: HOURS_CASES. A phrase is a run of elements with only spaces or , . / · ; | ( ) [ ] between
    them; the first run wins. Elements:

    * a time range, "09:00~18:00", "10:00-22:00", "9시~18시", "오전 9시 ~ 오후 6시", "9am-6pm",
      "9–6", with its days before it ("평일", "주말", "매일", "월~금", "토·일", "Mon–Fri", "daily")
      and an hours label ("운영시간:", "이용 시간", "Hours:", "Open", left out of the phrase);
    * "연중무휴" (with "24시간 운영"), "24시간 운영", "24/7", "open 24 hours";
    * closed days: "매주 월요일 휴관", "휴무: 일요일", "공휴일 휴무", "Closed on Mondays".

    A range counts only where it cannot be something else: both ends written with minutes
    ("10:00-22:00"), or both with 오전/오후/AM/PM, or days or a label before it. So "심야(22시~7시)
    1시간 6,000원" (a price's night rate) and "3-4인" are no opening hours, and neither is a time
    range right after a date ("2026.11.20 14:00~16:00", an event's time). A bare "14:00~16:00"
    is taken as opening hours: nothing in it says otherwise.
    """
    if not text:
        return None
    plain = _plain(text)
    first = next((m for m in _elements(plain) if _accepted(m, plain)), None)
    if first is None:
        return None
    begin = first.start("days") if first["days"] else first.start("range") if first["range"] else first.start()
    end = first.end()
    while True:  # the run goes on while the next element follows after nothing but a gap
        following = _HOURS_ELEMENT.match(plain, _GAP.match(plain, end).end())
        if following is None or following["label"] or not _accepted(following, plain):
            break
        end = following.end()
    phrase = plain[begin:end]
    if phrase.count("(") > phrase.count(")") and plain[end:end + 1] == ")":
        phrase += ")"
    elif phrase.count("(") > phrase.count(")"):
        phrase = phrase[: phrase.rfind("(")].rstrip(" ,/·;|")
    return " ".join(phrase.split()) or None


def _elements(text: str):
    """The elements of a text in order. Most descriptions hold no opening hours, and the full
    pattern costs several times a simple scan: unless a keyword element may be there, it runs only
    in windows around time ranges (an hour, a separator, an hour; HINT_BEFORE characters before
    for the days and label)."""
    lowered = text.lower()
    if any(word in lowered for word in _KEYWORDS):
        yield from _HOURS_ELEMENT.finditer(text)
        return
    searched = 0
    for hint in _RANGE_HINT.finditer(text):
        begin, end = max(searched, hint.start() - HINT_BEFORE), hint.end() + HINT_AFTER
        for match in _HOURS_ELEMENT.finditer(text, begin, end):
            if match.end() > searched:
                yield match
        searched = end


def _accepted(match: re.Match, text: str) -> bool:
    if match["closed"] or match["always"]:
        return True
    if match["label"] or match["days"]:
        return True
    ends = re.split(r"\s*(?:~|〜|∼|-|–|—|(?i:to)|부터)\s*", match["range"], maxsplit=1)
    if len(ends) != 2:
        return False
    written = all(_COLON_TIME.search(end) for end in ends) or all(_MARKED.search(end) for end in ends)
    start = match.start("range")
    return written and not _DATE_BEFORE.search(text, max(0, start - 20), start)
