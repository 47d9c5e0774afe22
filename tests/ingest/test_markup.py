"""`ingest.markup.limit_attributes`: tags found as the HTML5 tokenizer (libxml2 2.14) finds them."""

from __future__ import annotations

import lxml.html
import pytest

from ingest.markup import limit_attributes


def _attributes(n: int, prefix: str = "a") -> str:
    return " ".join(f"{prefix}{i}=x" for i in range(n))


def test_a_page_that_needs_nothing_cut_comes_back_as_it_was() -> None:
    page = f"<html><body><p {_attributes(100)}>text</p><a href='x'>y</a></body></html>"
    assert limit_attributes(page) is page


def test_a_start_tag_keeps_its_first_attributes() -> None:
    page = f"<html><body><div {_attributes(5)}>text</div></body></html>"
    assert limit_attributes(page, 2) == "<html><body><div a0=x a1=x>text</div></body></html>"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # A quoted ">" does not end the tag; a quote inside a name does not open a value.
        ('<p a=">" b c d>t</p>', '<p a=">" b>t</p>'),
        ('<p a"b c d e>t</p>', '<p a"b c>t</p>'),
        # Values in every form, and attributes run together after a quoted value.
        ("<p a='1' b=\"2\"c=3 d e>t</p>", "<p a='1' b=\"2\">t</p>"),
        # Raw text is not markup: a "tag" in a script or a textarea is left alone...
        (
            "<script>if (a<b c d e) {}</script><p x y z>t</p>",
            "<script>if (a<b c d e) {}</script><p x y>t</p>",
        ),
        ("<textarea><b c d e></textarea>", "<textarea><b c d e></textarea>"),
        # ...but the script tag's own attributes are cut like any other.
        ("<script a b c>x</script>", "<script a b>x</script>"),
        # `<!-->` is a whole comment: the tag after it is read.
        ("<!--> <p x y z>t</p> -->", "<!--> <p x y>t</p> -->"),
        ("<!-- <p x y z> -->", "<!-- <p x y z> -->"),
        # End tags keep whatever they hold (the parser drops it anyway).
        ("</p x y z>", "</p x y z>"),
    ],
)
def test_tags_are_found_as_the_parser_finds_them(page: str, expected: str) -> None:
    assert limit_attributes(page, 2) == expected


def test_what_the_parser_keeps_is_the_first_attributes() -> None:
    page = f"<html><body><p>before</p><div {_attributes(40_000)}>inside</div><p>after</p></body></html>"
    tree = lxml.html.document_fromstring(limit_attributes(page))
    div = tree.find(".//div")
    assert list(div.attrib) == [f"a{i}" for i in range(100)]
    assert tree.text_content() == "beforeinsideafter"
