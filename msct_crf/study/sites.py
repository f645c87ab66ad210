"""The study's sites as a code list: study configuration, not code.

The dictionary defines the field ``SITEID`` (a code); which codes it takes is the study's
site registry (the ``site`` table: ``msct-crf central add-site``, ``msct-crf init --site``),
which the caller loads and passes in here as a :class:`~msct_crf.study.dictionary.CodeList`.
The dictionary's own list (``codelists.SITES``: the three sites the study started with) is
only what migration 0004 seeded every file's registry with, and what a check run without a
database (no registry at hand) falls back to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from msct_crf.study.dictionary import CodeItem, CodeList, Field, Form, Label
from msct_crf.study.dictionary.codelists import SITES

__all__ = ["SITE_FIELD", "SITE_LIST", "form_with_sites", "site_list", "uses_sites", "with_sites"]

SITE_FIELD = "SITEID"
#: The name of the site code list (ODM CodeList, REDCap choices, the codebook).
SITE_LIST = SITES.name


def site_list(rows: Iterable[tuple[str, str, str | None]]) -> CodeList:
    """The code list of registered sites from (code, name, Chinese name) rows, by code; a
    site without a Chinese name shows its English name in both languages."""
    items = sorted(
        (CodeItem(code, Label(name, name_zh or name)) for code, name, name_zh in rows),
        key=lambda item: item.code,
    )
    return CodeList(SITE_LIST, tuple(items))


def uses_sites(f: Field) -> bool:
    """Whether a field takes its codes from the site registry."""
    return f.codelist is not None and f.codelist.name == SITE_LIST


def with_sites(f: Field, sites: CodeList | None) -> Field:
    """The field with the registered sites as its code list (unchanged without `sites` or
    for a field that is not a site)."""
    if sites is None or not uses_sites(f):
        return f
    return dataclasses.replace(f, codelist=sites)


def form_with_sites(form: Form, sites: CodeList | None) -> Form:
    """The form with every site field taking the registered sites (the same form when it
    has none)."""
    if sites is None or not any(uses_sites(f) for f in form.fields):
        return form
    return dataclasses.replace(form, fields=tuple(with_sites(f, sites) for f in form.fields))
