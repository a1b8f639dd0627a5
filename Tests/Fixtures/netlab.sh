#!/bin/sh
# A NAT and firewall lab: three network namespaces (client, router, server) joined by veth pairs, with nftables
# rules for one network path, and vsftpd on port 21 of the server. Nothing leaves the namespaces: every address
# below exists only inside them.
#
#   netlab.sh up NAME PATH ROOT [tls CERT KEY]   builds the lab and vsftpd's configuration; prints the address
#                                                the client dials
#   netlab.sh serve NAME                         runs vsftpd in the server's namespace, in the foreground
#   netlab.sh ready NAME                         waits until it greets
#   netlab.sh down NAME                          kills what runs in it and removes its namespaces
#   netlab.sh sweep                              removes labs whose test process (the pid in NAME) is gone
#
# NAME: fl<pid>x<n>. ROOT: a folder vsftpd serves to anonymous users (read-only).
# PATH: routed | server-nat | client-nat | client-firewall-drop | server-firewall-drop | server-firewall-reject
#       | epsv-black-hole | blocked (both firewalls drop)
#
#   client (C) eth0 ── c (R, router) s ── eth0 (S, server)
set -eu

PASSIVE=40000-40049
# vsftpd's configuration and log: in a folder only root can write (root's vsftpd reads the configuration).
STATE=/run/ferry-netlab

# NAME feeds paths and namespace names: fl<digits>x<digits> only.
check_name() {
    case "$1" in
        fl*x*) ;;
        *) echo "netlab: the name must be fl<pid>x<n>, not '$1'" >&2; exit 2 ;;
    esac
    case "${1#fl}" in
        *[!0-9x]*|x*|*x|*x*x*) echo "netlab: the name must be fl<pid>x<n>, not '$1'" >&2; exit 2 ;;
    esac
}

ns() { printf '%s-%s' "$1" "$2"; }

down() {
    for side in c r s; do
        n=$(ns "$1" $side)
        if ip netns list | grep -q "^$n\\b"; then
            for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
            ip netns del "$n" 2>/dev/null || true
        fi
    done
    rm -rf "$STATE/$1"
}

sweep() {
    for n in $(ip netns list | sed -n 's/^\(fl[0-9]*x[0-9]*\)-[crs]\b.*/\1/p' | sort -u); do
        pid=$(printf '%s' "$n" | sed 's/^fl\([0-9]*\)x.*/\1/')
        [ -d "/proc/$pid" ] || down "$n"
    done
}

address() { ip -n "$1" addr add "$2" dev "$3"; }
route() { ip -n "$1" route add default via "$2"; }
rules() { printf '%s\n' "$2" | ip netns exec "$1" nft -f -; }

up() {
    name=$1 path=$2 root=$3 tls=${4:-} cert=${5:-} key=${6:-}
    check_name "$name"
    case "$path" in
        routed|server-nat|client-nat|client-firewall-drop|server-firewall-drop|server-firewall-reject|epsv-black-hole|blocked) ;;
        *) echo "netlab: unknown path '$path'" >&2; exit 2 ;;
    esac
    C=$(ns "$name" c) R=$(ns "$name" r) S=$(ns "$name" s)
    down "$name"
    # Whatever fails from here on takes the half-built lab down with it.
    trap 'down "$name"' EXIT
    for n in "$C" "$R" "$S"; do ip netns add "$n"; ip -n "$n" link set lo up; done
    ip link add eth0 netns "$C" type veth peer name c netns "$R"
    ip link add eth0 netns "$S" type veth peer name s netns "$R"
    for link in "$C eth0" "$R c" "$R s" "$S eth0"; do set -- $link; ip -n "$1" link set "$2" up; done
    ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1

    # Defaults: both ends on "public" documentation networks, routed.
    client=198.51.100.2/24 router_c=198.51.100.1/24 gateway_c=198.51.100.1
    server=203.0.113.2/24 router_s=203.0.113.1/24 gateway_s=203.0.113.1
    target=203.0.113.2 pasv_address=
    case "$path" in
        server-nat)
            server=10.2.0.2/24 router_s=10.2.0.1/24 gateway_s=10.2.0.1 ;;
        client-nat)
            client=10.1.0.2/24 router_c=10.1.0.1/24 gateway_c=10.1.0.1 ;;
        epsv-black-hole)
            pasv_address=203.0.113.3 ;;
    esac
    address "$C" "$client" eth0
    address "$R" "$router_c" c
    address "$R" "$router_s" s
    address "$S" "$server" eth0
    route "$C" "$gateway_c"
    route "$S" "$gateway_s"

    case "$path" in
        server-nat)
            # The router owns the public address and forwards port 21 and the passive range to the private server;
            # what the server sends out leaves from the public address.
            address "$R" 203.0.113.2/32 c
            rules "$R" "table ip nat {
                chain pre { type nat hook prerouting priority dstnat;
                    ip daddr 203.0.113.2 tcp dport { 21, $PASSIVE } dnat to 10.2.0.2; }
                chain post { type nat hook postrouting priority srcnat;
                    oifname \"c\" ip saddr 10.2.0.0/24 snat to 203.0.113.2 ; }
            }" ;;
        client-nat)
            rules "$R" "table ip nat {
                chain post { type nat hook postrouting priority srcnat; oifname \"s\" ip saddr 10.1.0.0/24 masquerade ; }
            }" ;;
        client-firewall-drop|blocked)
            rules "$C" "table inet filter {
                chain input { type filter hook input priority 0; policy accept;
                    ct state established,related accept; iif lo accept; tcp flags & syn == syn drop ; }
            }" ;;
    esac
    case "$path" in
        server-firewall-drop|server-firewall-reject|blocked)
            verdict=drop
            [ "$path" = server-firewall-reject ] && verdict="reject with tcp reset"
            rules "$S" "table inet filter {
                chain input { type filter hook input priority 0; policy accept;
                    ct state established,related accept; iif lo accept; tcp dport 21 accept;
                    tcp flags & syn == syn $verdict ; }
            }" ;;
        epsv-black-hole)
            # A middlebox that rewrites PASV replies (vsftpd's pasv_address) and forwards the address they name, but
            # leaves EPSV alone: the passive ports answer only behind 203.0.113.3; at the server's own address a
            # filter drops them (before the forwarding rewrites the address).
            address "$R" 203.0.113.3/32 c
            rules "$R" "table ip lab {
                chain raw { type filter hook prerouting priority raw;
                    ip daddr 203.0.113.2 tcp dport $PASSIVE drop; }
                chain pre { type nat hook prerouting priority dstnat;
                    ip daddr 203.0.113.3 tcp dport $PASSIVE dnat to 203.0.113.2; }
            }" ;;
    esac

    mkdir -p -m 700 "$STATE"
    state=$STATE/$name
    rm -rf "$state"
    mkdir -m 700 "$state" "$state/empty"
    conf=$state/vsftpd.conf
    {
        echo "listen=YES"; echo "listen_ipv6=NO"; echo "listen_port=21"; echo "background=NO"
        echo "anonymous_enable=YES"; echo "no_anon_password=NO"; echo "anon_root=$root"; echo "local_enable=NO"
        echo "write_enable=NO"; echo "ftp_username=ftp"; echo "secure_chroot_dir=$state/empty"
        echo "seccomp_sandbox=NO"; echo "isolate=NO"; echo "isolate_network=NO"; echo "connect_from_port_20=NO"
        echo "pasv_min_port=${PASSIVE%-*}"; echo "pasv_max_port=${PASSIVE#*-}"; echo "use_localtime=NO"
        echo "connect_timeout=30"; echo "data_connection_timeout=30"; echo "idle_session_timeout=120"
        echo "vsftpd_log_file=$state/vsftpd.log"; echo "xferlog_enable=YES"
        if [ -n "$pasv_address" ]; then echo "pasv_address=$pasv_address"; fi
        if [ "$tls" = tls ]; then
            echo "ssl_enable=YES"; echo "allow_anon_ssl=YES"; echo "force_anon_logins_ssl=YES"
            echo "force_anon_data_ssl=YES"; echo "rsa_cert_file=$cert"; echo "rsa_private_key_file=$key"
            echo "require_ssl_reuse=YES"; echo "ssl_tlsv1=NO"; echo "ssl_sslv2=NO"; echo "ssl_sslv3=NO"
        fi
    } > "$conf"
    trap - EXIT
    echo "$target"
}

# vsftpd in the foreground in the server's namespace (this process becomes it): run it in the background, or
# from a test that spawns and kills it.
serve() { check_name "$1"; exec ip netns exec "$(ns "$1" s)" /usr/sbin/vsftpd "$STATE/$1/vsftpd.conf" </dev/null >/dev/null 2>&1; }

# Waits until vsftpd greets on port 21 of the server (from the server's own loopback).
ready() {
    i=0
    until ip netns exec "$(ns "$1" s)" bash -c 'exec 3<>/dev/tcp/127.0.0.1/21' 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 200 ]; then echo "netlab: vsftpd did not start in $(ns "$1" s); see $STATE/$1/vsftpd.log" >&2; exit 1; fi
        sleep 0.05
    done
}

case "${1:-}" in
    up) shift; up "$@" ;;
    serve) serve "$2" ;;
    ready) ready "$2" ;;
    down) check_name "$2"; down "$2" ;;
    sweep) sweep ;;
    *) echo "usage: netlab.sh up NAME PATH ROOT [tls CERT KEY] | serve NAME | ready NAME | down NAME | sweep" >&2; exit 2 ;;
esac
