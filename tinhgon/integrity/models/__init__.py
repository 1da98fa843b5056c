"""Integrity: cases (feedback, complaints, denunciations) and their handling (cases.py), and the
red flags read from the dossiers' history (flags.py)."""

from tinhgon.integrity.models.cases import *  # noqa: F403
from tinhgon.integrity.models.flags import *  # noqa: F403
