"""kancli's built-in Kanister Functions: one module per function, registered on import.

Importing this package registers all 28 functions of Kanister at the reference snapshot
(kanister-behaviour.md section 5.0) in :func:`kancli.functions.registry.default_registry`.
"""

from kancli.functions.builtin import (  # noqa: F401 - importing a module registers its function
    backup_data,
    backup_data_all,
    backup_data_stats,
    check_repository,
    copy_volume_data,
    create_csi_snapshot,
    create_csi_snapshot_static,
    create_rds_snapshot,
    delete_csi_snapshot,
    delete_csi_snapshot_content,
    delete_data,
    delete_data_all,
    delete_rds_snapshot,
    export_rds_snapshot_to_location,
    kube_exec,
    kube_exec_all,
    kube_ops,
    kube_task,
    location_delete,
    multi_container_run,
    prepare_data,
    restore_csi_snapshot,
    restore_data,
    restore_data_all,
    restore_rds_snapshot,
    scale_workload,
    wait,
    wait_v2,
)
