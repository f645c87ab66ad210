"""CDISC ODM 1.3.2 export: the study's metadata, clinical data, admin data and audit records.

``source`` reads the database in one snapshot; ``metadata`` turns the dictionary into the
Study element, ``admin`` the people, sites and signature meanings into AdminData,
``clinical`` the records (with their audit records and signatures) into ClinicalData, as a
Snapshot or a Transactional file; ``writer`` assembles and writes the document,
``validation`` checks it (the official XSD, OID references, values, what consumers need) and
``api`` runs and audits an export (:func:`export_odm`).
"""

from __future__ import annotations

from .api import OdmReport, check_odm_target, export_odm
from .validation import odm_errors, schema_path

__all__ = ["OdmReport", "check_odm_target", "export_odm", "odm_errors", "schema_path"]
