"""The export tests' studies (built once for the package) and the small study's IDs."""

from export_readback import demo_export, exported, ids, small, small_template  # noqa: F401
