"""Data-entry forms built from the study dictionary (msct_crf.study.dictionary).

`FormPage` edits one record of one form; `RecordListPage` lists a subject's records of a
repeating form beside an embedded `FormPage`. Validation, derivations and scores all come
from msct_crf: these widgets only display what the core says.
"""
