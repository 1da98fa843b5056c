"""The settings of the test suite: the project's own, plus an imaginary capability whose
declared carriers the contract tests drive (tinhgon/carriers/tests/testapp)."""

from tinhgon.settings import *  # noqa: F403 (test settings extend the one settings module)
from tinhgon.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tinhgon.carriers.tests.testapp"]

# Uploaded documents of the tests go to a temporary folder, never into var/.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="tinhgon-test-media-"))
