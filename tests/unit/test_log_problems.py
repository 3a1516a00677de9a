"""Which daemon log lines a trial reports as problems."""

from harness.trial import log_problems

STALL = ("2026-12-06T17:41:26.014Z|00091|timeval|WARN|Unreasonably long 1043ms poll interval "
         "(0ms user, 442ms system)\n"
         "2026-12-06T17:41:26.014Z|00092|timeval|WARN|faults: 30 minor, 0 major\n"
         "2026-12-06T17:41:26.014Z|00093|timeval|WARN|context switches: 1 voluntary, "
         "128 involuntary\n")
INFO = "2026-12-06T17:41:26.013Z|00088|dpif_netdev|INFO|Performing pmd to rx queue assignment\n"


def test_a_long_poll_interval_during_set_up_is_allowed_but_not_during_traffic(tmp_path):
    log = tmp_path / "ovs-vswitchd.log"
    setup = INFO + STALL
    log.write_text(setup + INFO + STALL)
    problems = log_problems(log, setup_end=len(setup))
    # The set-up's stall is allowed; the same lines while packets flow are reported.
    assert len(problems) == 3 and all("|0009" in line for line in problems)
    assert log_problems(log, setup_end=len(log.read_text())) == []
    assert len(log_problems(log)) == 6  # No set-up part: every stall counts.


def test_other_warnings_during_set_up_still_count(tmp_path):
    log = tmp_path / "ovs-vswitchd.log"
    line = "2026-12-06T17:41:26.013Z|00010|bridge|WARN|could not open network device xb1\n"
    log.write_text(line)
    assert log_problems(log, setup_end=len(line)) == [line.strip()]
