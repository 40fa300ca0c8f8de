"""kancli: run Kanister Blueprints locally against any cluster, with no controller."""

__version__ = "0.1.0.dev0"
