"""kancli.objectstore"""
