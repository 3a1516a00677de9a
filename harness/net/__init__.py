"""Mininet glue: topologies by name, a network whose switches are a built variant's OVS.

``topology`` loads ``topologies/<name>.py``; ``network`` runs it with Mininet against an
``OvsInstance`` and tears it down; ``routes`` computes, for every switch, the port that
leads to each host (what the OpenFlow tables forward on).
"""
