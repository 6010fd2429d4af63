"""What the CLI and the dashboard call. Every function takes the acting ``storage.access.Actor``, checks its
role first (``storage.access.require``), writes the audit log, and is one transaction: it only flushes, and
the caller's ``session_scope`` commits all of it or, on any error, none of it."""
