"""A REDCap import bundle: what a REDCap administrator uploads to rebuild the study there.

Qt-free, and cheap to import (pandas loads only when a bundle is written). The bundle is a
folder of files named in upload order (:data:`BUNDLE_FILES`): the data dictionary, the
arms, events, instrument-event mapping and repeating instruments of a longitudinal project,
the records in REDCap's flat import format, and a README with the three upload steps.

* :mod:`.project` -- the project's shape, from the study dictionary alone: instrument,
  variable and event names, choice codes, the form-status mapping.
* :mod:`.dictionary` -- the data dictionary rows (REDCap's 18 columns).
* :mod:`.records` -- the records file, from an export's :class:`StudyData`.
* :mod:`.bundle` -- writing the folder (each file whole or not at all) and its README.
"""

from __future__ import annotations

from .project import BUNDLE_FILES, REDCAP_COLUMNS

__all__ = ["BUNDLE_FILES", "REDCAP_COLUMNS"]
