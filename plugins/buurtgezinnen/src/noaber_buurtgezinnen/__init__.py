"""Buurtgezinnen: support families (steungezinnen) coupled to families that need them."""
