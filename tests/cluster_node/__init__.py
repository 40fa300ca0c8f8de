"""Tests of the test cluster's node, image and S3 fixture, driven directly (no API server)."""
