import pytest

from tinhgon.core.errors import DomainError
from tinhgon.staffing import protect
from tinhgon.staffing.tests.english import in_english  # noqa: F401

pytestmark = pytest.mark.usefixtures("in_english")


def test_a_sealed_identity_number_reads_back_and_does_not_show_in_the_stored_text():
    sealed = protect.seal("012345678901")
    assert "012345678901" not in sealed
    assert protect.unseal(sealed) == "012345678901"


def test_the_digest_finds_the_same_number_written_with_spaces():
    assert protect.digest("0123 4567 8901") == protect.digest("012345678901")
    assert protect.digest("012345678902") != protect.digest("012345678901")


@pytest.mark.parametrize("bad", ["", "12345", "01234567890A", "０１２３４５６７８９０１"])
def test_an_identity_number_that_is_not_12_digits_is_refused(bad):
    with pytest.raises(DomainError, match="12 digits"):
        protect.seal(bad)


def test_a_number_sealed_under_another_key_is_a_clear_error(settings):
    sealed = protect.seal("012345678901")
    settings.TINHGON_FIELD_KEY = "another key entirely, long enough to be a key"
    with pytest.raises(DomainError, match="current key"):
        protect.unseal(sealed)
