"""`msct-crf export` runs on the export tests' small study (built once for the package)."""

from export_readback import small, small_template  # noqa: F401
