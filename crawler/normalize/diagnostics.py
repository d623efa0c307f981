"""Per-item diagnostic codes with their Korean and English messages, shown to operators."""

from __future__ import annotations

from typing import Iterable

from indexer.listing import Diagnostic

MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # code: (severity, field, English, Korean)
    "missing_title": ("error", "title", "The item has no title, so it cannot be listed.",
                      "항목에 제목이 없어 목록에 올릴 수 없습니다."),
    "invalid_link": ("error", "url", "The item has no http(s) link to its page ({value}), so citizens could not reach it.",
                     "항목에 http(s) 링크가 없어({value}) 시민이 해당 페이지로 갈 수 없습니다."),
    "category_unknown": ("warning", "category", "No category could be recognised; add a category or tag such as 공구 or tools.",
                         "분류를 알 수 없습니다. 공구, tools 같은 분류나 태그를 넣어 주세요."),
    "price_unknown": ("warning", "price", "No price was found; state it (e.g. \"1일 3,000원\" or \"무료\").",
                      "가격을 찾지 못했습니다. \"1일 3,000원\"이나 \"무료\"처럼 적어 주세요."),
    "location_unknown": ("warning", "location", "No place in Seoul was found; give an address or coordinates.",
                         "서울 안의 위치를 찾지 못했습니다. 주소나 좌표를 넣어 주세요."),
    "outside_seoul": ("warning", "location", "The coordinates ({value}) are outside Seoul.",
                      "좌표({value})가 서울 밖에 있습니다."),
    "coordinates_invalid": ("warning", "location", "The coordinates ({value}) are not a place (0, 0, or out of range); the address was read instead.",
                            "좌표({value})가 올바른 위치가 아닙니다(0, 0 또는 범위 밖). 주소로 위치를 찾았습니다."),
    "coordinates_swapped": ("warning", "location", "The coordinates ({value}) have latitude and longitude the wrong way round; they were swapped.",
                            "좌표({value})의 위도와 경도가 뒤바뀌어 있어 바꿔서 사용했습니다."),
    "address_outside_seoul": ("warning", "location", "The address names a place outside Seoul, so the item has no district.",
                              "주소가 서울 밖의 장소를 가리켜 자치구를 정하지 않았습니다."),
    "district_ambiguous": ("warning", "location", "The address names 중구 or 강서구, which other cities have too; write 서울 before it (e.g. \"서울 중구\").",
                           "주소의 중구·강서구는 다른 도시에도 있습니다. \"서울 중구\"처럼 앞에 서울을 적어 주세요."),
    "several_districts": ("warning", "location", "The text names several districts and there is no address; the first one named was used.",
                          "본문에 여러 자치구가 나오고 주소가 없어 처음 나온 자치구를 사용했습니다. 주소를 넣어 주세요."),
    "location_conflict": ("warning", "location", "The coordinates and the address name different districts; the coordinates were used.",
                          "좌표와 주소의 자치구가 다릅니다. 좌표를 사용했습니다."),
    "no_structured_data": ("warning", None, "The page {value} has no schema.org listing data (JSON-LD, microdata or RDFa of a Product, Place, Event, Accommodation, …), so it gives no listing.",
                           "페이지 {value}에 schema.org 목록 데이터(JSON-LD, 마이크로데이터, RDFa의 Product, Place, Event, Accommodation 등)가 없어 목록을 만들 수 없습니다."),
    "item_maybe_cut": ("warning", None, "The document holding this item was read only in part (it is not well-formed or was cut off), and this item was its last: it may be cut short, so it did not replace what an earlier crawl read.",
                       "이 항목이 들어 있는 문서를 일부만 읽었고(형식이 잘못되었거나 중간에 끊김) 이 항목이 마지막이었습니다. 내용이 잘렸을 수 있어 이전에 읽은 내용을 바꾸지 않았습니다."),
    "title_truncated": ("warning", "title", "The title was longer than {value} characters and was shortened.",
                        "제목이 {value}자를 넘어 줄였습니다."),
}


# What an operator (or the partner) can do about each code: shown beside the message on the dashboard
# and in docs/diagnostics.md. Every code in MESSAGES has one (tests/crawler/normalize/test_diagnostics.py).
HELP: dict[str, tuple[str, str]] = {
    # code: (English, Korean)
    "missing_title": ("Give every item a title: the title element of a feed item, the name of a schema.org entity, or the "
                      "title selector of an HTML source. If the partner's titles are elsewhere, fix the source's field mapping.",
                      "모든 항목에 제목을 넣어 주세요: 피드 항목의 title 요소, schema.org 개체의 name, HTML 소스의 제목 선택자. "
                      "제목이 다른 곳에 있으면 소스의 필드 매핑을 고쳐 주세요."),
    "invalid_link": ("Link every item to its own page with an http(s) URL (absolute or relative to the page): an RSS link, "
                     "the url of a schema.org entity, the link selector of an HTML source. urn: ids and javascript: links "
                     "cannot be opened by citizens.",
                     "항목마다 자기 페이지로 가는 http(s) 주소(절대 또는 상대 주소)를 넣어 주세요: RSS link, schema.org 개체의 url, "
                     "HTML 소스의 링크 선택자. urn: 식별자나 javascript: 링크는 시민이 열 수 없습니다."),
    "category_unknown": ("Give items a category or tag our taxonomy knows (공구, 유아용품, 회의실, 나눔카, tools, kids, …), "
                         "a schema.org type that names the kind of thing (Place, Car, LodgingBusiness, Event), or ask an "
                         "operator to map the partner's own category names to ours (the source's category overrides).",
                         "분류 체계가 아는 분류나 태그(공구, 유아용품, 회의실, 나눔카, tools, kids 등)나 종류를 말해 주는 schema.org "
                         "유형(Place, Car, LodgingBusiness, Event)을 넣거나, 운영자에게 파트너의 분류 이름을 우리 분류로 "
                         "연결해 달라고(소스의 분류 재지정) 요청하세요."),
    "price_unknown": ("Put the price in a structured field (schema.org Offer price, priceCurrency and unitText, or the "
                      "source's price selector or field), or write it in the title or summary: \"1일 3,000원\", "
                      "\"시간당 5,000원\", \"무료\".",
                      "가격을 구조화된 필드(schema.org Offer의 price, priceCurrency, unitText 또는 소스의 가격 선택자·필드)에 "
                      "넣거나 제목이나 요약에 \"1일 3,000원\", \"시간당 5,000원\", \"무료\"처럼 적어 주세요."),
    "location_unknown": ("Give an address in Seoul (서울특별시 마포구 망원로 45, or Mapo-gu, Seoul) or coordinates "
                         "(schema.org geo, georss:point, or the source's latitude and longitude fields).",
                         "서울 안의 주소(서울특별시 마포구 망원로 45 등)나 좌표(schema.org geo, georss:point, 소스의 위도·경도 "
                         "필드)를 넣어 주세요."),
    "outside_seoul": ("Check the coordinates: latitude and longitude may be swapped. A place outside Seoul is listed "
                      "without a district.",
                      "좌표를 확인해 주세요. 위도와 경도가 바뀌었을 수 있습니다. 서울 밖의 장소는 자치구 없이 목록에 올라갑니다."),
    "coordinates_invalid": ("Send latitude and longitude in degrees (WGS84, e.g. 37.5563, 126.9220), or leave them out; "
                            "0, 0 and projected metre values are not read.",
                            "위도·경도를 도 단위(WGS84, 예: 37.5563, 126.9220)로 보내거나 빼 주세요. 0, 0이나 미터 단위 좌표는 읽지 않습니다."),
    "coordinates_swapped": ("Send latitude first and longitude second (or name them: lat/lon, Y/X as the Seoul APIs do).",
                            "위도를 먼저, 경도를 나중에 보내 주세요(또는 lat/lon처럼 이름을 붙여 주세요)."),
    "address_outside_seoul": ("If the item is in Seoul, correct the address; items outside Seoul are listed without a district.",
                              "서울에 있는 항목이면 주소를 고쳐 주세요. 서울 밖의 항목은 자치구 없이 올라갑니다."),
    "district_ambiguous": ("Write the city before the district: \"서울 중구 …\" or \"서울특별시 강서구 …\".",
                           "자치구 앞에 도시를 적어 주세요: \"서울 중구 …\", \"서울특별시 강서구 …\"."),
    "several_districts": ("Give the item's own address (a structured address field or \"주소: …\" in the text).",
                          "항목의 주소를 넣어 주세요(주소 필드나 본문의 \"주소: …\")."),
    "location_conflict": ("Check which one is right and correct the other at the partner, so that the coordinates and "
                          "the address name the same district.",
                          "좌표와 주소 중 맞는 쪽을 확인하고 파트너 쪽에서 다른 쪽을 고쳐, 둘이 같은 자치구를 가리키게 해 주세요."),
    "no_structured_data": ("Add schema.org markup describing the listing to the page (JSON-LD preferred), or register "
                           "the partner's feed or list page as a source of its own kind instead.",
                           "페이지에 목록을 설명하는 schema.org 마크업(JSON-LD 권장)을 넣거나, 파트너의 피드나 목록 페이지를 "
                           "알맞은 종류의 소스로 대신 등록해 주세요."),
    "item_maybe_cut": ("Make the partner's document well-formed and complete (look for an XML error or a response cut "
                       "off by a timeout or a size limit); the next complete crawl updates the item.",
                       "파트너의 문서를 올바른 형식의 완전한 문서로 고쳐 주세요(XML 오류나 시간 초과·크기 제한으로 잘린 응답이 "
                       "없는지 확인). 다음에 완전히 읽으면 항목이 갱신됩니다."),
    "title_truncated": ("Shorten the title at the partner and put the details in the description.",
                        "파트너 쪽에서 제목을 줄이고 자세한 내용은 설명에 넣어 주세요."),
}


def diagnostic(code: str, value: object = "") -> Diagnostic:
    severity, field, en, ko = MESSAGES[code]
    return Diagnostic(severity=severity, field=field, code=code,
                      message_en=en.format(value=value), message_ko=ko.format(value=value))


def help_text(code: str, language: str = "en") -> str:
    """How to fix a code's problem, in Korean for a language starting with "ko", else in English."""
    en, ko = HELP[code]
    return ko if language.startswith("ko") else en


def is_listable(problems: Iterable[Diagnostic]) -> bool:
    """An item with an error stays out of search; warnings keep it in."""
    return not any(p.severity == "error" for p in problems)


def _cell(text: str | None) -> str:
    if not text:
        return "—"
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def diagnostics_table_markdown() -> str:
    """docs/diagnostics.md's table, generated so that it cannot drift from MESSAGES and HELP."""
    rows = ["| code | severity | field | English | Korean | how to fix |",
            "|---|---|---|---|---|---|"]
    for code, (severity, field, en, ko) in sorted(MESSAGES.items(), key=lambda kv: (kv[1][0], kv[0])):
        fix_en, fix_ko = HELP.get(code, ("", ""))
        rows.append(f"| `{code}` | {severity} | {_cell(field)} | {_cell(en)} | {_cell(ko)} | "
                    f"{_cell(fix_en)}<br>{_cell(fix_ko)} |")
    return "\n".join(rows)


DOCUMENT_HEAD = """# Item diagnostics

Every item a crawl reads gets a list of diagnostics: `{severity, field, code, message_ko, message_en}`.
Operators see them with `sharehub sources show ID` (and `--json`) and when previewing a source.

- **error**: the item cannot be a listing (no title, no link a citizen can open); it stays out of search.
- **warning**: the item is listed, with the field left empty (no price, no place, unknown category) or
  changed (a shortened title).

Codes are stable strings: a code is never renamed or reused for another problem, so dashboards and
scripts may rely on them. `{value}` in a message stands for the item's value (a link, coordinates, a
length). The table is generated from `crawler/normalize/diagnostics.py` (MESSAGES and HELP); after
changing them run `python -m crawler.normalize.diagnostics > docs/diagnostics.md`.

"""


def diagnostics_document() -> str:
    return DOCUMENT_HEAD + diagnostics_table_markdown() + "\n"


if __name__ == "__main__":
    print(diagnostics_document(), end="")
