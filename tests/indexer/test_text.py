"""Plain text of HTML: the parsing extractor, and the fast one for HTML our sanitizer wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.normalize.text import sanitize_html
from crawler.parsers.base import ParseError
from crawler.parsers.feed import parse
from indexer.text import html_to_text, sanitized_html_to_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

HOSTILE = [
    "<p>전<b>동</b>드릴 <i>대여</i></p><p>둘째</p>",
    "1 &lt; 2 &amp;&amp; 3 &gt; 2<br>줄바꿈<br/>끝",
    "<script>alert('x')</script><style>p{}</style><p>보이는 글</p><!-- 주석 -->",
    "<div><ul><li>하나</li><li>둘</li></ul></div><table><tr><td>a</td><td>b</td></tr></table>",
    "<img src='https://a.example/i.png' alt='사진'>설명 <a href='javascript:x'>링크</a>",
    "&amp;lt;double&amp;gt; &quot;quoted&quot; &#44608; &#x1F600;",
    "<h3>제목</h3>본문 <span title='a>b'>span</span> <p class=\"x\">p</p>",
    "x<y and a>b but <not a tag",
    "<P>Upper</P><BR>case<Li>item",
    "",
]


def corpus_descriptions() -> list[str]:
    out = []
    for path in sorted(CORPUS.glob("*/*")):
        if path.suffix not in (".xml", ".rss", ".atom", ".json", ".gz", ".rdf"):
            continue
        try:
            result = parse("https://corpus.example/feed", path.read_bytes())
        except ParseError:
            continue
        out += [i.content_html or i.summary for i in result.items if i.content_html or i.summary]
    return out


def test_the_corpus_gives_descriptions_to_compare():
    assert len(corpus_descriptions()) > 100


@pytest.mark.parametrize("raw", HOSTILE)
def test_the_fast_text_of_sanitized_html_is_the_parsed_text(raw):
    sanitized = sanitize_html(raw) or ""
    assert sanitized_html_to_text(sanitized) == html_to_text(sanitized)


def test_the_fast_text_equals_the_parsed_text_on_every_corpus_description():
    differing = [raw for raw in corpus_descriptions()
                 if sanitized_html_to_text(sanitize_html(raw)) != html_to_text(sanitize_html(raw))]
    assert not differing, differing[:3]
