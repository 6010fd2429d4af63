"""Service functions the CLI, the scheduler and the dashboard call: each takes the acting ``Actor``, checks
its role with ``storage.access.require`` first, and writes the audit log. They flush; the caller commits."""
