"""Pages lose their templates' indentation, never a word break or verbatim content."""

import re

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from cowork.config.middleware import collapse_whitespace


def test_indentation_and_blank_lines_go_and_line_breaks_stay():
    html = "<ul>\n    <li>One</li>\n\n\n    <li>Two   words</li>\n</ul>"
    assert collapse_whitespace(html) == "<ul>\n<li>One</li>\n<li>Two words</li>\n</ul>"


def test_pre_textarea_script_and_style_are_kept_as_they_are():
    verbatim = (
        "<pre>  a\n    b</pre>"
        "<textarea name=t>\n  first line\n\n  third</textarea>"
        "<script nonce=x>\n  // a comment\n  let s = 'two  spaces';\n</script>"
        "<STYLE>\n  p  { margin: 0 }\n</STYLE>"
    )
    html = f"<div>\n    {verbatim}\n    </div>"
    assert collapse_whitespace(html) == f"<div>\n{verbatim}\n</div>"


text = st.text(alphabet=st.sampled_from(list("ab <>/\n\t")), max_size=60)


@given(text)
def test_what_a_reader_sees_is_unchanged(html):
    # Outside verbatim elements, HTML shows every whitespace run as one space.
    def seen(value):
        return re.sub(r"\s+", " ", value)

    assert seen(collapse_whitespace(html)) == seen(html)


@pytest.mark.django_db
def test_pages_are_served_collapsed(space):
    page = Client().get("/").content.decode()
    assert "<main" in page
    assert not re.search(r"\n[ \t]+<", page)
    assert "\n\n" not in page
