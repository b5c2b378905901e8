"""The trust check on its own: £, %, bands, durations and ages must come from the cited records."""

from __future__ import annotations

from service.trust import FigureChecker, ages, durations


def test_durations_and_ages_are_read_with_their_units():
    assert durations("12 to 24 months, or two or three days a week; a 1-year course") == {
        ("12", "month"), ("24", "month"), ("2", "day"), ("3", "day"), ("1", "year")}
    assert durations("£25,272 a year, band 3") == set()
    assert ages("for people aged 16 to 24, or 18+, or 19 or over") == {"16", "24", "18", "19"}
    assert ages("band 3 for 3 years") == set()


def test_durations_and_ages_must_be_in_the_cited_records(real_state):
    kb = real_state.ready.kb
    checker = FigureChecker(kb)
    paramedic, porter = kb.records["paramedic"], kb.records["porter"]
    city = kb.records["city-of-london-apprenticeships"]
    # The paramedic record says a 3-year degree, or about 2 years as an apprentice.
    assert checker.unsupported("The degree takes 3 years; the apprenticeship about 2 years.", [paramedic],
                               False) == []
    assert checker.unsupported("The degree takes 5 years.", [paramedic], False) == ["5 years"]
    # The same duration from a record that is not cited is not backed.
    assert checker.unsupported("The degree takes 3 years.", [porter], False) == ["3 years"]
    assert checker.unsupported("It is for people aged 16 to 24.", [city], False) == []
    assert checker.unsupported("It is for people aged 18 to 30.", [city], False) == ["age 18", "age 30"]
