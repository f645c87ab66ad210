"""The study's registered sites for data entry: the enrolment form's site choices.

The save path checks SITEID against the same registry (:func:`msct_crf.workflow.records.save`
parses the form with :func:`msct_crf.study.sites.form_with_sites`), so what the form offers
and what a save accepts are one list: the file's site registry
(:mod:`msct_crf.storage.site_registry`).
"""

from __future__ import annotations

from msct_crf.storage.site_registry import registered_sites
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import CodeList, Form
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.sites import form_with_sites, uses_sites

__all__ = ["entry_form", "study_sites"]


def study_sites(store: Store) -> CodeList:
    """The registered sites (code, English and Chinese name), by code."""
    with store.reading() as session:
        return registered_sites(session)


def entry_form(store: Store, form_code: str) -> Form:
    """The form as data entry shows it: its site field takes the registered sites."""
    form = get_form(form_code)
    if not any(uses_sites(f) for f in form.fields):
        return form
    return form_with_sites(form, study_sites(store))
