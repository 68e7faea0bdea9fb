#!/bin/sh
# lint-layers.sh — refuse an #include that points up the stack.
#
# src/ is one folder per layer.  A file may include headers of its own
# folder and of the folders listed for it below, which all sit lower in
# the stack; version.h (constants only) may be included by anyone.  The
# HTTP message layer (http/) is a library the transport and the handlers
# both use, and knows nothing of HTCondor; the handlers (api/) reach the
# schedd only through the schedd client, never CEDAR.
#
#   main.c
#   serve/    transport: inetd/CGI/--listen/--demo, the per-request driver
#   demo/     the demo schedd (the schedd's side, beside the client)
#   api/      routes and handlers
#   schedd/   the schedd client
#   cedar/ submit/        the wire protocol (both sides of the
#                         handshake); the submit language
#   classad/ config/ http/  ClassAds; the configuration language and the
#                           program's settings; HTTP messages
#   util/     buffers, names, files, logging, limits
#
# Prints each offending line and exits 1 when there is any.
allowed() {
	case $1 in
	util)	 echo "util" ;;
	classad) echo "classad util" ;;
	config)	 echo "config util" ;;
	http)	 echo "http util" ;;
	cedar)	 echo "cedar classad util" ;;
	submit)	 echo "submit classad util" ;;
	schedd)	 echo "schedd cedar classad config util" ;;
	api)	 echo "api schedd submit classad config http util" ;;
	demo)	 echo "demo cedar classad config util" ;;
	serve)	 echo "serve demo api schedd http config util" ;;
	main)	 echo "serve api schedd http config util" ;;
	*)	 echo "" ;;
	esac
}
bad=0
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
for f in src/*.c src/*.h src/*/*.c src/*/*.h; do
	[ -f "$f" ] || continue
	case $f in
	src/main.c) layer=main ;;
	src/version.h) continue ;;
	src/*/*) layer=${f#src/}; layer=${layer%%/*} ;;
	*) echo "$f: a file at the top of src/ other than main.c and version.h"
	   bad=1; continue ;;
	esac
	ok=$(allowed "$layer")
	if [ -z "$ok" ]; then
		echo "$f: folder $layer is not in the layer table of $0"
		bad=1
		continue
	fi
	grep -n '^#[ 	]*include[ 	]*"' "$f" | while IFS= read -r line; do
		inc=$(printf '%s\n' "$line" | sed 's/.*"\(.*\)".*/\1/')
		case $inc in
		version.h) continue ;;
		*/*) dir=${inc%%/*} ;;
		*) echo "$f:${line%%:*}: \"$inc\" names no layer folder"
		   echo x >> "$tmp"; continue ;;
		esac
		case " $ok " in
		*" $dir "*) ;;
		*) echo "$f:${line%%:*}: includes \"$inc\": $layer may include only: $ok"
		   echo x >> "$tmp" ;;
		esac
	done
done
[ -s "$tmp" ] && bad=1
[ "$bad" -eq 0 ] && echo "lint: every include points down the stack"
exit "$bad"
