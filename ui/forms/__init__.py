"""Data-entry forms built from the study dictionary (msct_crf.study.dictionary).

`FormPage` edits one record of one form: its `FormBody` lays out the fields from the
dictionary and its `SaveController` saves them through the core in one call.
`RecordListPage` lists a subject's records of a repeating form beside an embedded
`FormPage`. Validation, derivations, scores and transactions all belong to msct_crf: these
widgets only display what the core says.
"""
