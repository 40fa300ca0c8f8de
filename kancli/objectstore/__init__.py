"""Object stores behind one small interface: S3-compatible buckets and local directories.

This package is the only place in kancli that imports boto3, and it does so lazily (only when an
S3 location is opened) so that ``kancli --help`` stays fast.
"""

from kancli.objectstore.base import (
    BucketNotFoundError,
    CredentialsRejectedError,
    ObjectInfo,
    ObjectNotFoundError,
    Store,
    StoreUnreachableError,
    join_key,
)
from kancli.objectstore.counting import CountingStore, StoreCounters
from kancli.objectstore.location import (
    AwsCredential,
    Location,
    S3Tuning,
    location_delete,
    location_delete_prefix,
    location_from_profile,
    location_from_url,
    open_bucket,
    open_repository_store,
    open_store,
    resolve_artifact_prefix,
)

__all__ = [
    "AwsCredential",
    "BucketNotFoundError",
    "CountingStore",
    "CredentialsRejectedError",
    "Location",
    "ObjectInfo",
    "ObjectNotFoundError",
    "S3Tuning",
    "Store",
    "StoreCounters",
    "StoreUnreachableError",
    "join_key",
    "location_delete",
    "location_delete_prefix",
    "location_from_profile",
    "location_from_url",
    "open_bucket",
    "open_repository_store",
    "open_store",
    "resolve_artifact_prefix",
]
