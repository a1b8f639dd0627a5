#!/bin/sh
# Installs Debian packages for building and testing Ferry without starting a service on this machine.
# usage (as root): scripts/install-packages.sh PACKAGE...
#
# Debian starts a daemon as soon as its package is installed (vsftpd would listen on port 21). For the length
# of the apt-get run a /usr/sbin/policy-rc.d that answers 101 ("action forbidden") stops that; it is written
# only when none exists and removed afterwards, even when apt-get fails or is interrupted. Then vsftpd, which
# the tests start themselves on 127.0.0.1, is disabled so that it does not come up at the next boot either.
set -u
policy=/usr/sbin/policy-rc.d
ours=""
remove_policy() { if [ -n "$ours" ]; then rm -f "$policy"; fi; }
trap remove_policy EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# noclobber: created here and now, or left alone (someone else's, such as a container's).
if (set -C; printf '#!/bin/sh\n# Ferry (scripts/install-packages.sh): no service starts during this apt-get run.\nexit 101\n' \
        > "$policy") 2>/dev/null; then
    ours=yes
    chmod 755 "$policy"
fi

status=0
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || status=$?

for package in "$@"; do
    [ "$package" = vsftpd ] || continue
    if command -v systemctl >/dev/null 2>&1; then
        if [ -d /run/systemd/system ]; then
            systemctl disable --now vsftpd >/dev/null 2>&1 || true    # systemd is running: stop and disable
        else
            systemctl disable vsftpd >/dev/null 2>&1 || true          # not booted with systemd: links only
        fi
    fi
done
exit $status
