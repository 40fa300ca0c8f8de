"""The test cluster's node: a kubelet stand-in that runs pods as real containerd containers.

Public API (see ``node.py`` for details)::

    from tests.cluster.containerd import ContainerdRuntime
    from tests.cluster.node import ContainerdNode

    async with ContainerdRuntime.start(state_dir) as runtime:
        node = ContainerdNode(runtime, host)   # host: tests.cluster.nodeapi.NodeHost
        await node.start()
        ...
        await node.shutdown()
"""

from tests.cluster.node.execution import ExecProcess
from tests.cluster.node.node import ContainerdNode, LogsError

__all__ = ["ContainerdNode", "ExecProcess", "LogsError"]
