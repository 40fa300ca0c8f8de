"""kancli.kube"""
