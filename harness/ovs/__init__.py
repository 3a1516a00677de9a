"""OVS variants: build from the Debian tarball plus patches, run daemons, read statistics.

``build`` turns ``strategies/<variant>/`` into ``build/ovs/<variant>/``; ``tree`` is the
git-backed editing workflow for patches; ``daemons`` runs a build's ovsdb-server and
ovs-vswitchd in a private run dir; ``stats`` parses what ``ovs-appctl`` prints.
"""
