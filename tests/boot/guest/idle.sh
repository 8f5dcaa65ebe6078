#!/bin/sh
# Stay up a few seconds so the host can look at hvmm while the guest runs.
echo "hvmm-test: idle"
sleep 5
