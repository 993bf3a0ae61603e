"""Benchmark tooling: a baseline app and a USSD load generator (`python -m bench.ussd_load`)."""
