"""The demo with accounts and its two ODM files (tests/odm_factory.py); accounts of every
role and a baseline visit (tests/trust_factory.py)."""

from odm_factory import demo_accounts_template, demo_copy, odm_files  # noqa: F401
from trust_factory import accounts, fast_hasher, visit  # noqa: F401
