"""BPF extensions: metadata, compilation, and the Linux kernel as a reference executor.

``metadata`` loads and checks ``extensions/<name>.yaml`` (the hand-written ground truth:
reads, writes, flow-key changes, maps, placement, expected scenarios); ``compile`` builds
``build/extensions/<name>.<role>.o`` and checks it against the OVS runtime's limits;
``packets`` turns the scenarios' packet descriptions into bytes (scapy); ``kernel`` loads an
object into the kernel with bpftool and runs it (``KernelProgram``); ``scenarios`` checks
any executor, the kernel or the OVS interpreter, against an extension's expectations.
"""
