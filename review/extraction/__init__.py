"""Extraction: the protocol, studies and their efficacy and safety findings.

- ``model``: the domain types: ``Protocol`` (outcomes, criteria, the lead's
  ``Sections``), ``Study``, the findings
- ``protocol``: the protocol from TOML or the app, checked and kept (``current_protocol``)
- ``studies``: included records grouped into studies, their details and findings
  (``list_studies``, ``save_details``, ``save_findings``)
- ``suggest``: numbers in an abstract read as proposed findings (``suggestions``); stores nothing
- ``drafts``: a reviewer's unsaved findings and form, kept per study until saved or discarded
- ``columns``: the one definition of the studies and findings tables (editors, workbook, CSV)
- ``sheet_export``: the extraction written as a workbook and as CSV (``export_extraction``)
- ``sheet_import``: the edited workbook checked whole and read back (``import_extraction``)

The workbook modules are not re-exported: through ``review.exports`` they import numpy and
rapidfuzz, which the protocol and studies do not need.
"""

from review.extraction.model import (
    Criteria,
    EfficacyFinding,
    Outcome,
    Protocol,
    SafetyFinding,
    Sections,
    Study,
    StudyDetails,
)
from review.extraction.protocol import current_protocol, read_protocol_file, save_protocol
from review.extraction.studies import (
    link_records,
    list_studies,
    save_details,
    save_findings,
    set_role,
    split_record,
    study,
    sync_studies,
)

__all__ = [
    "Criteria",
    "EfficacyFinding",
    "Outcome",
    "Protocol",
    "SafetyFinding",
    "Sections",
    "Study",
    "StudyDetails",
    "current_protocol",
    "link_records",
    "list_studies",
    "read_protocol_file",
    "save_details",
    "save_findings",
    "save_protocol",
    "set_role",
    "split_record",
    "study",
    "sync_studies",
]
