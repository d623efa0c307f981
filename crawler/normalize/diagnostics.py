"""Per-item diagnostic codes with their Korean and English messages, shown to operators."""

from __future__ import annotations

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
    "location_conflict": ("warning", "location", "The coordinates and the address name different districts; the coordinates were used.",
                          "좌표와 주소의 자치구가 다릅니다. 좌표를 사용했습니다."),
    "no_structured_data": ("warning", None, "The page {value} has no schema.org listing data (JSON-LD, microdata or RDFa of a Product, Place, Event, Accommodation, …), so it gives no listing.",
                           "페이지 {value}에 schema.org 목록 데이터(JSON-LD, 마이크로데이터, RDFa의 Product, Place, Event, Accommodation 등)가 없어 목록을 만들 수 없습니다."),
    "item_maybe_cut": ("warning", None, "The document holding this item was read only in part (it is not well-formed or was cut off), and this item was its last: it may be cut short, so it did not replace what an earlier crawl read.",
                       "이 항목이 들어 있는 문서를 일부만 읽었고(형식이 잘못되었거나 중간에 끊김) 이 항목이 마지막이었습니다. 내용이 잘렸을 수 있어 이전에 읽은 내용을 바꾸지 않았습니다."),
    "title_truncated": ("warning", "title", "The title was longer than {value} characters and was shortened.",
                        "제목이 {value}자를 넘어 줄였습니다."),
}


def diagnostic(code: str, value: object = "") -> Diagnostic:
    severity, field, en, ko = MESSAGES[code]
    return Diagnostic(severity=severity, field=field, code=code,
                      message_en=en.format(value=value), message_ko=ko.format(value=value))
