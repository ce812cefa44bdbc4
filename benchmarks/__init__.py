"""Benchmarks of tension against the methods users would otherwise pick (``make bench``)."""
