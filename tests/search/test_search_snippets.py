"""Snippets: the index's words marked in the database's text, everything else escaped."""

from __future__ import annotations

from community.search.snippets import MAX_CHARS, SURROUND, fragment, words_for


def test_stemmed_and_accented_forms_are_marked_and_stop_words_never():
    lang, words = words_for("How do I clean grinders?", {"en": {"grinder", "cafe"}})
    out = fragment("The Grinders of the Café: one grinder.", lang, words)
    assert out == ("The <mark>Grinders</mark> of the <mark>Café</mark>: one "
                   "<mark>grinder</mark>")  # a passage ends on a word
    assert fragment("Of the and to", "en", {"the"}) is None  # a stop word is no index term


def test_the_passage_is_cut_around_the_match_and_escaped():
    text = "filler " * 200 + "the <b>descaling</b> & rinse " + "tail " * 200
    out = fragment(text, "en", {"descal"})
    assert "<mark>descaling</mark>" in out and "&lt;b&gt;" in out and "&amp;" in out
    assert "<b>" not in out
    assert len(out) < MAX_CHARS + 2 * SURROUND  # context, not the whole text
    assert not out.startswith("filler filler filler filler filler filler filler filler filler")


def test_far_apart_matches_give_two_passages_the_fullest_chosen_shown_in_order():
    text = ("tamper " + "x " * 150 + "tamper tamper " + "y " * 150 + "basket " + "z " * 150
            + "tamper")
    out = fragment(text, "en", {"tamper", "basket"})
    passages = out.split(" … ")
    assert len(passages) == 2
    # the pair of tampers first, then the earliest single match; in the text's order
    assert passages[0].startswith("<mark>tamper</mark> x") and passages[0].count("<mark>") == 1
    assert passages[1].count("<mark>tamper</mark>") == 2 and "basket" not in out


def test_a_text_without_the_words_gives_nothing():
    assert fragment("Nothing to see here", "en", {"grinder"}) is None
    assert fragment("grinder", "en", set()) is None
