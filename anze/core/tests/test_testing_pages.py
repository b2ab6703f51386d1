"""``testing.shows_word``: a page's figures checked for "NaN" / "None" without tripping on a random token."""

from __future__ import annotations

from anze.core.testing import shows_word


def test_a_word_inside_a_token_is_not_shown_but_one_on_its_own_is() -> None:
    # CI's failure of `assert "NaN" not in page`: the CSRF token of the page's <body>.
    token = '<body hx-headers=\'{"X-CSRFToken": "yQbFBkFcBUNaN6vkMveuemWp40KqZ0yALBC7YKNmQT9QN"}\'>'
    assert "NaN" in token and not shows_word(token, "NaN")
    for page in ("<td>NaN</td>", "12,000.00 NaN 元", "保费：NaN元", "NaN"):
        assert shows_word(page, "NaN"), page
    assert shows_word('<span title="None">', "None") and not shows_word("NoneSuch Nonexistent", "None")
