"""Name handling: every way one person's name gets written reduces to comparable parts."""

import pytest

from profiles.names import (
    block_key,
    clean_display_name,
    name_key,
    name_relation,
    names_compatible,
    natural_order,
    parse_name,
)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ('Kurt G{\\"o}del', "Kurt Gödel"),
        ('Kurt G\\"odel', "Kurt Gödel"),
        ("Paul Erd\\H{o}s", "Paul Erdős"),
        ("Fran\\c{c}ois  Chollet", "François Chollet"),
        ("Jos\\'e Garc\\'{\\i}a", "José García"),
        ("  Jane   Doe* ,", "Jane Doe"),
        ("Li Wei1,2", "Li Wei"),
    ],
)
def test_display_names_decode_latex_and_drop_markers(written, shown):
    assert clean_display_name(written) == shown


@pytest.mark.parametrize(
    "variants",
    [
        ["Tatsunori B. Hashimoto", "Hashimoto, Tatsunori B.", "Hashimoto TB", "T. B. Hashimoto"],
        ["Kurt Gödel", 'Kurt G{\\"o}del', "GÖDEL, KURT", "Kurt Godel"],
        ["Laurens van der Maaten", "Maaten, Laurens van der", "L. van der Maaten"],
        ["José García", "Garcia, Jose", "J. García"],
        ["Jean-Pierre Serre", "J.-P. Serre", "Serre, Jean-Pierre"],
    ],
)
def test_variants_of_one_name_share_a_block_and_are_compatible(variants):
    assert len({block_key(variant) for variant in variants}) == 1
    for variant in variants[1:]:
        assert names_compatible(variants[0], variant), variant


def test_last_first_order_and_latex_give_the_same_exact_key():
    assert (
        name_key("Hashimoto, Tatsunori B.") == name_key("Tatsunori B. Hashimoto") == "tatsunori b hashimoto"
    )
    assert name_key('G{\\"o}del, Kurt') == name_key("Kurt Gödel") == "kurt godel"
    assert natural_order("Hashimoto, Tatsunori") == "Tatsunori Hashimoto"
    assert natural_order("Smith, Jr., John") == "John Smith, Jr."


def test_initials_and_particles_are_parsed():
    assert parse_name("J.R.R. Tolkien").given == ("j", "r", "r")
    assert parse_name("TB Hashimoto").given == ("t", "b")
    assert parse_name("Maarten de Rijke").family == "de rijke"
    assert parse_name("Maarten de Rijke").family_key == "rijke"
    assert parse_name("Quoc V. Le").family_key == "le"  # a family name made of a particle stays
    assert parse_name("JOHN SMITH").given == ("john",)  # capitals are not initials here
    assert parse_name("Mausam").block_key == "mausam"


@pytest.mark.parametrize(
    ("first", "second", "relation"),
    [
        ("Tatsunori B. Hashimoto", "Tatsunori B. Hashimoto", "exact"),
        ("Tatsunori Hashimoto", "Tatsunori B. Hashimoto", "full"),
        ("T. Hashimoto", "Tatsunori B. Hashimoto", "initial"),
        ("Tzu-ming Hsu", "Tzuming Hsu", "exact"),
        ("Xiang Lisa Li", "Xuechen Li", None),  # same family name and initial, two people
        ("J. R. Smith", "John Q. Smith", None),  # middle initials disagree
        ("T. B. Hashimoto", "T. C. Hashimoto", None),
        ("John Smith Jr.", "John Smith Sr.", None),
        ("Dan Jurafsky", "Daniel Jurafsky", None),  # nicknames are not guessed
        ("Tatsunori Hashimoto", "Takeshi Hashimoto", None),
    ],
)
def test_name_relations(first, second, relation):
    assert name_relation(parse_name(first), parse_name(second)) == relation
    assert name_relation(parse_name(second), parse_name(first)) == relation
