"""bot/limits.py: Telegram's limits, measured as Telegram measures them; long texts split
between lines, never inside a tag; toasts cut to 200 characters."""

from __future__ import annotations

import html

import pytest

from bot.limits import MAX_MESSAGE, callback_answer, fits_callback, message_length, plain, split_html

from .fakes import html_problem


def test_length_is_counted_after_entity_parsing_in_utf16_units() -> None:
    assert message_length("<b>3 616</b> &lt;logements&gt;") == len("3 616 <logements>")
    assert message_length("🏠") == 2 and message_length("é") == 1


def test_callback_data_and_answers() -> None:
    assert fits_callback("abo:2") and fits_callback("t:" + "é" * 31) and not fits_callback("t:" + "é" * 32)
    assert not fits_callback("")
    assert callback_answer("court") == "court"
    cut = callback_answer("é" * 300)
    assert len(cut) == 200 and cut.endswith("…")


def items(n: int) -> str:
    lines = ["Mes réponses viennent de ces documents :"]
    for i in range(n):
        lines.append(f"• « <b>Rapport {i} sur l’habitat &amp; la ville</b> », Union sociale")
        lines.append(f"  https://example.org/{i}")  # an item's continuation line
    return "\n".join(lines)


@pytest.mark.parametrize("n", [1, 60, 400])
def test_a_long_list_is_split_between_items_into_valid_messages(n: int) -> None:
    text = items(n)
    parts = split_html(text)
    assert all(message_length(p) <= MAX_MESSAGE and html_problem(p) is None for p in parts)
    assert "\n".join(parts) == text  # nothing lost, nothing added, in order
    for part in parts[1:]:
        assert part.startswith("• ")  # never an origin without its title
    assert (len(parts) > 1) == (message_length(text) > MAX_MESSAGE)


def test_a_split_never_falls_inside_a_tag_spanning_lines() -> None:
    quote = "<blockquote>" + "\n".join(f"ligne {i} de la citation" for i in range(400)) + "</blockquote>"
    text = "Avant\n" + quote + "\nAprès"
    parts = split_html(text, limit=4000)
    assert all(html_problem(p) is None for p in parts)
    assert all(message_length(p) <= 4000 for p in parts)
    assert plain(" ".join(parts)).split() == plain(text).split()  # every word, in order


def test_a_single_line_longer_than_a_message_is_cut_as_escaped_text() -> None:
    text = "<b>" + "mot &amp; " * 1000 + "</b>"
    parts = split_html(text)
    assert len(parts) > 1 and all(message_length(p) <= MAX_MESSAGE and html_problem(p) is None for p in parts)
    assert " ".join(html.unescape(p) for p in parts).split() == plain(text).split()
