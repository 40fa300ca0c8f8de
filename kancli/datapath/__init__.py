"""kancli.datapath"""
