"""The test cluster's container image: built from Debian's busybox-static, imported into the
test containerd. Every image name a pod asks for runs this image (see docs/test-cluster.md)."""

from tests.cluster.image.builder import IMAGE_REF, BuiltImage, ImageBuildError, build_test_image

__all__ = ["IMAGE_REF", "BuiltImage", "ImageBuildError", "build_test_image"]
