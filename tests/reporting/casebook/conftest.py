"""The casebook tests' studies: the demo with accounts (built once per module) and the
small study with accounts and a complete visit of tests/trust_factory.py."""

from casebook_factory import casebook_demo  # noqa: F401
from trust_factory import accounts, fast_hasher, visit  # noqa: F401
