"""Privacy: the append-only access log, consent, sharing with professionals,
data-subject export and erasure, and retention. See ``docs/privacy.md``."""
