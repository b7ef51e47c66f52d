"""The digit bar and ingest's number check stay in step."""

from extractors.confidence import DIGIT_THRESHOLD, THRESHOLD
from ingest.digits import policy


def test_an_unconfirmed_number_is_always_below_the_review_bar():
    # ingest checks every word with digits (ingest.numbers) and lowers an unconfirmed one to
    # unconfirmed_conf: that must be under both bars, or a value built on it is not flagged.
    assert policy().unconfirmed_conf < min(THRESHOLD, DIGIT_THRESHOLD)


def test_a_confirmation_clears_the_digit_bar():
    # a confirmed word takes at least the second engine's certainty (>= second_min): it must
    # clear the bar, or confirming changes nothing.
    assert policy().second_min >= DIGIT_THRESHOLD
    assert policy().reread_accept >= DIGIT_THRESHOLD
