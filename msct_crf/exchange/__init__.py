"""Site packages and the coordinating centre (DESIGN.md "Many sites").

Between ``reporting`` and ``workflow``: a package is written in a person's session (account
mode, signed with their key) and read into the centre's pooled database, which the
reporting layer then exports like any study file.

* :mod:`.package_format` — the file: a deterministic zip of ``manifest.json``,
  ``payload.jsonl`` and ``signature``, and reading one back (refusing any altered byte);
* :mod:`.rows` — a table row as JSON and back;
* :mod:`.site_package` — ``msct-crf package``: everything since the site's previous package;
* :mod:`.centre` — ``msct-crf central``: create the centre, register sites, import, status;
* :mod:`.bulk` — the import's bulk rows by COPY on PostgreSQL;
* :mod:`.centre_queries` — the app's queries at the centre (raised as centre queries, with
  where each one is);
* :mod:`.centre_verify` — ``msct-crf verify`` on the centre: each site's chain and the
  pooled records against what the sites sent.
"""
