"""The export tests' studies (built once for the package) and the small study's IDs."""

from export_readback import demo_export, exported, ids, small, small_template  # noqa: F401
from scale_readback import demo_exports, scale_exports  # noqa: F401
