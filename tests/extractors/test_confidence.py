"""The digit bar and the OCR second read stay in step."""

from extractors.confidence import DIGIT_THRESHOLD
from ingest.ocr import REREAD_ACCEPT, REREAD_BELOW


def test_every_number_flagged_for_its_digits_was_read_again():
    # ingest reads again (and may confirm) every word with digits below REREAD_BELOW; a
    # confirmation must clear the bar extractors apply, or it confirms nothing.
    assert REREAD_BELOW >= DIGIT_THRESHOLD
    assert REREAD_ACCEPT >= DIGIT_THRESHOLD
