"""Sub-commands contributed by feature modules; each registrar adds one subparser.

Kept apart from cli.py so export and backup can grow their options without touching it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

REGISTRARS: list[Registrar] = []

from msct_crf.tools import account_commands, backup_commands  # noqa: E402

REGISTRARS.append(backup_commands.register)
REGISTRARS.append(account_commands.register)

from msct_crf.tools.export_commands import register as _register_export  # noqa: E402

REGISTRARS.append(_register_export)

from msct_crf.tools import central_commands, package_commands  # noqa: E402

REGISTRARS.append(package_commands.register)
REGISTRARS.append(central_commands.register)

from msct_crf.tools.casebook_commands import register as _register_casebook  # noqa: E402

REGISTRARS.append(_register_casebook)
