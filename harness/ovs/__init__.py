"""OVS variants: build from the Debian tarball plus patch series, run daemons, read statistics.

``series`` applies and writes a layer's patch series; ``build`` turns
``strategies/<variant>/`` into ``build/ovs/<variant>/``; ``tree`` is the git-backed
editing workflow for the series; ``daemons`` runs a build's ovsdb-server and
ovs-vswitchd in a private run dir; ``stats`` parses what ``ovs-appctl`` prints.
"""
