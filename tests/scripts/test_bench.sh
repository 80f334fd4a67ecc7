#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The host-side pieces of make bench (tests/bench/test_bench.py): the
# ladder search against a modelled server, the report's ratios and goals,
# the chrony measurements-log parser, ntsload --pause on loopback.
cd "$(dirname "$0")/../.." || exit 1
PYTHONDONTWRITEBYTECODE=1 exec python3 tests/bench/test_bench.py
