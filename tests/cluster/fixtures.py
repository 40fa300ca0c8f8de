"""pytest fixtures for the test cluster (filled in by the cluster work)."""
