#!/bin/sh
# As smp.sh, then reboot: hvmm must report the guest's SYSTEM_RESET.
sh /tests/smp.sh
reboot -f
