"""Writes. Each service runs in one transaction and records its domain events there."""
