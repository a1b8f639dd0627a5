#!/bin/sh
# Removes what the vsftpd tests set up: the local account ferrytest and its PAM service file
# (Tests/FerryTestSupport/VsftpdServer.swift creates both). 'make test' runs it after 'swift test', whatever
# the result. Quiet when there is nothing to remove. Needs root when there is.
user=ferrytest
pam=/etc/pam.d/ferry-vsftpd-test

id "$user" >/dev/null 2>&1 || [ -e "$pam" ] || exit 0

# A test vsftpd (started with a config in /tmp/ferry-vsftpd-state-*) still running means one of two things:
# its test process died and left it behind (its parent is then init): stop it; or another test run on this
# machine is using the account right now: leave everything to that run's own cleanup.
busy=""
for dir in /proc/[0-9]*; do
    command=$( { tr '\0' ' ' < "$dir/cmdline"; } 2>/dev/null) || continue    # it may have ended meanwhile
    case $command in
        "/usr/sbin/vsftpd /tmp/ferry-vsftpd-state-"*"/vsftpd.conf ") ;;
        *) continue ;;
    esac
    pid=${dir#/proc/}
    parent=$(awk '/^PPid:/ { print $2 }' "$dir/status" 2>/dev/null)
    if [ "$parent" = 1 ]; then
        kill -9 "$pid" 2>/dev/null && echo "test-cleanup: stopped a test vsftpd left behind (pid $pid)"
    else
        busy="$busy $pid"
    fi
done
if [ -n "$busy" ]; then
    echo "test-cleanup: $user and $pam kept: another test run's vsftpd is using them (pid$busy)"
    exit 0
fi

status=0
if id "$user" >/dev/null 2>&1; then
    userdel "$user" || { echo "test-cleanup: could not remove the user $user" >&2; status=1; }
fi
rm -f "$pam" || status=1
exit $status
