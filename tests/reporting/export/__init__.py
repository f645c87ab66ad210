"""Tests of msct_crf.reporting.export.

A package, like every core test folder, so that its test files may share a name with
another folder's."""
