"""Shared pytest configuration: the cluster and S3 fixtures live in tests/cluster/fixtures.py."""

pytest_plugins = ["tests.cluster.fixtures"]
