#!/bin/bash
# tests/bench/profile.sh (make bench-profile): boot the VM once and run
# tests/bench/cpu_profile.py there: perf samples of the server CPU for
# configurations A, E, D and L of the bench lab at one fixed rate, sorted
# into categories. PROFILE_* and BENCH_* settings pass through; results
# land in build/bench/profile/. Needs the modules of make bench-module and
# tests/bench/build-module lib. Not part of make check.
set -euo pipefail
cd "$(dirname "$0")/../.."
vars=()
for v in $(compgen -v PROFILE_ || true) $(compgen -v BENCH_ || true); do
	vars+=("$v=${!v}")
done
mkdir -p build/bench/profile
exec tests/vm/run --timeout "${BENCH_VM_TIMEOUT:-2400}" -- \
	env PYTHONDONTWRITEBYTECODE=1 "${vars[@]}" python3 tests/bench/cpu_profile.py
