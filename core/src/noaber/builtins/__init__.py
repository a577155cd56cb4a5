"""Core behaviour, registered as ordinary plugins."""
