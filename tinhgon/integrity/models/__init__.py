"""Integrity: cases (feedback, complaints, denunciations) and their handling (cases.py), the red
flags read from the dossiers' history (flags.py), inspections with their findings and
recommendations (inspections.py), and discipline proceedings (discipline.py)."""

from tinhgon.integrity.models.cases import *  # noqa: F403
from tinhgon.integrity.models.discipline import *  # noqa: F403
from tinhgon.integrity.models.flags import *  # noqa: F403
from tinhgon.integrity.models.inspections import *  # noqa: F403
