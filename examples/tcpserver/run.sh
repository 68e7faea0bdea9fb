#!/bin/sh
# run.sh — serve htcondor-api with plain ucspi-tcp tcpserver: one process
# per connection, the connection on fds 0 and 1, the log on stderr.
#
# Install (Debian: apt-get install ucspi-tcp):
#   install -m 755 run.sh /usr/local/sbin/htcondor-api-tcpserver
#   run it from your supervisor (runit, daemontools, s6, a systemd service).
# Settings come from the environment, with these defaults:
#   HTCONDOR_API   the program           /usr/local/sbin/htcondor-api
#   HOST PORT      where to listen       0.0.0.0 8080
#   MAXCONN        concurrent processes  64
#   RUNAS          user to run as        htcondor-api (when started as root)
#   any further arguments go to htcondor-api (e.g. --tls-cert F --tls-key F)
# Check: curl http://localhost:8080/healthz
set -e
: "${HTCONDOR_API:=/usr/local/sbin/htcondor-api}"
: "${HOST:=0.0.0.0}" "${PORT:=8080}" "${MAXCONN:=64}" "${RUNAS:=htcondor-api}"

# -c: concurrency limit; -H -R: no DNS or ident look-ups of the client
# (TCPREMOTEIP is all htcondor-api needs); -l 0: no look-up of the local
# name; -u/-g: the user to run as, numeric, when started as root.
if [ "$(id -u)" -eq 0 ]; then
	if ! uid=$(id -u "$RUNAS") || ! gid=$(id -g "$RUNAS"); then
		echo "run.sh: no user $RUNAS to run htcondor-api as" >&2
		exit 111
	fi
	set -- -u "$uid" -g "$gid" "$HOST" "$PORT" "$HTCONDOR_API" "$@"
else
	set -- "$HOST" "$PORT" "$HTCONDOR_API" "$@"
fi
exec tcpserver -c "$MAXCONN" -H -R -l 0 "$@"
